/// Where the responder takes FastCGI connections from.
public enum Endpoint: Sendable, Equatable, CustomStringConvertible {
    /// A unix socket it creates, with permissions and an optional group for the web server.
    case unixSocket(path: String, mode: UInt32, group: String?)
    /// A TCP socket, `host:port`.
    case tcp(String)
    /// The listening socket already open on fd 0 (spawn-fcgi, mod_fcgid).
    case inherited

    public var description: String {
        switch self {
        case .unixSocket(let path, let mode, let group):
            "unix:\(path) (mode \(String(mode, radix: 8))\(group.map { ", group \($0)" } ?? ""))"
        case .tcp(let address): "tcp:\(address)"
        case .inherited: "the socket on fd 0"
        }
    }
}
