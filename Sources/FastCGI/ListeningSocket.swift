import Glibc
import SystemIO

// The only file of this target that builds socket addresses: sockaddr
// structures and getaddrinfo's list stay here.

/// The socket web servers connect to. The master process opens it once and
/// every worker it starts accepts on the same socket, so a worker that dies
/// or retires never closes it for the others.
public enum ListeningSocket {
    /// Connections the kernel queues while every worker thread is busy.
    static let backlog: Int32 = 256

    /// Opens the listening socket of `endpoint`, close-on-exec (workers get it
    /// on a descriptor of their own).
    public static func open(_ endpoint: Endpoint) throws(FastCGIError) -> Int32 {
        switch endpoint {
        case .unixSocket(let path, let mode, let group):
            return try listenUnix(path: path, mode: mode, group: group)
        case .tcp(let address):
            return try listenTCP(address)
        case .inherited:
            guard isListeningSocket(0) else {
                throw .socket("fd 0 is not a listening socket: start under spawn-fcgi or mod_fcgid, or pass --socket or --listen")
            }
            return 0
        }
    }

    /// Removes what ``open(_:)`` left on disk: a unix socket's file.
    public static func remove(_ endpoint: Endpoint) {
        if case .unixSocket(let path, _, _) = endpoint { unlink(path) }
    }

    /// Whether `descriptor` is a listening socket (what spawn-fcgi hands over on fd 0).
    public static func isListeningSocket(_ descriptor: Int32) -> Bool {
        var accepting: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size) == 0 && accepting != 0
    }

    /// A listening unix socket at `path` with permissions `mode` (and group
    /// `group`, so web server workers in it can connect).
    ///
    /// A stale socket file left by a crashed responder is replaced; a socket a
    /// live responder still answers on, or any other kind of file, is refused.
    private static func listenUnix(path: String, mode: UInt32, group: String?) throws(FastCGIError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw .socket("socket path is longer than \(capacity - 1) bytes: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let connectable = { (descriptor: Int32) in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, length) == 0 }
            }
        }

        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFSOCK else { throw .socket("\(path) exists and is not a socket; not replacing it") }
            let probe = try socketDescriptor(family: AF_UNIX, path)
            let live = connectable(probe)
            close(probe)
            guard !live else { throw .socket("another responder is listening on \(path): stop it, or choose another --socket") }
            unlink(path)
        }

        let descriptor = try socketDescriptor(family: AF_UNIX, path)
        // Bind with no permissions at all, then open up to `mode`: never briefly wider.
        let previousMask = umask(0o777)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        let bindError = errno
        umask(previousMask)
        do throws(IOError) {
            guard bound == 0 else { throw IOError(errnoCode: bindError, reason: "cannot bind \(path)") }
            if let group {
                guard let entry = getgrnam(group) else { throw IOError(errnoCode: ENOENT, reason: "unknown group \(group)") }
                try systemCall("cannot give \(path) to group \(group)") { chown(path, uid_t.max, entry.pointee.gr_gid) }
            }
            try systemCall("cannot chmod \(path)") { chmod(path, mode_t(mode)) }
            try systemCall("cannot listen on \(path)") { listen(descriptor, backlog) }
        } catch {
            close(descriptor)
            if bound == 0 { unlink(path) }
            throw .socket(error.description)
        }
        return descriptor
    }

    /// A listening TCP socket on `address`, `HOST:PORT` (an IPv6 host in brackets).
    private static func listenTCP(_ address: String) throws(FastCGIError) -> Int32 {
        guard let colon = address.lastIndex(of: ":") else { throw .socket("\(address) is not HOST:PORT") }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = String(address[address.index(after: colon)...])

        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, port, &hints, &list)
        guard resolved == 0, let first = list else {
            throw .socket("cannot listen on \(address): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(list) }

        var lastError = IOError(errnoCode: EADDRNOTAVAIL, reason: "cannot listen on \(address)")
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let entry = candidate?.pointee {
            candidate = entry.ai_next
            guard let descriptor = try? socketDescriptor(family: entry.ai_family, address) else { continue }
            var reuse: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
            do throws(IOError) {
                try systemCall("cannot listen on \(address)") { bind(descriptor, entry.ai_addr, entry.ai_addrlen) }
                try systemCall("cannot listen on \(address)") { listen(descriptor, backlog) }
                return descriptor
            } catch {
                close(descriptor)
                lastError = error
            }
        }
        let hint = lastError.errnoCode == EADDRINUSE ? " (another program uses the port: stop it, or choose another --listen)" : ""
        throw .socket(lastError.description + hint)
    }

    /// A new stream socket of `family`, close-on-exec; `purpose` names it in errors.
    private static func socketDescriptor(family: Int32, _ purpose: String) throws(FastCGIError) -> Int32 {
        do {
            let descriptor = try systemCall("socket for \(purpose)") { socket(family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0) }
            return descriptor
        } catch {
            throw .socket(error.description)
        }
    }
}
