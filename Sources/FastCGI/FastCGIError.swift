/// Why the responder could not start or listen.
public enum FastCGIError: Error, Equatable, CustomStringConvertible {
    case library(String)
    case socket(String)

    public var description: String {
        switch self {
        case .library(let message): "libfcgi: \(message)"
        case .socket(let message): message
        }
    }
}
