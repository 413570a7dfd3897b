import Glibc
import SystemIO

// The only file of this target that calls the C library directly: socket
// addresses, group lookups and signal sets stay here.

enum System {
    /// A listening unix socket at `path` with permissions `mode` (and group
    /// `group`, so web server workers in it can connect).
    ///
    /// A stale socket file left by a crashed responder is replaced; a socket a
    /// live responder still answers on, or any other kind of file, is refused.
    static func listenUnix(path: String, mode: UInt32, group: String?, backlog: Int32) throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw FastCGIError.socket("socket path is longer than \(capacity - 1) bytes: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)

        var status = stat()
        do {
            try systemCall("lstat \(path)") { lstat(path, &status) }
            guard status.st_mode & S_IFMT == S_IFSOCK else { throw FastCGIError.socket("\(path) exists and is not a socket; not replacing it") }
            // A probe: a refused connection is the answer, not a failure.
            let probe = try systemCall("socket") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }
            let live = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, length) == 0 }
            }
            close(probe)
            guard !live else { throw FastCGIError.socket("another responder is listening on \(path)") }
            unlink(path)
        } catch let error as IOError where error.errnoCode == ENOENT {
            // No file there: nothing to replace.
        }

        let descriptor = try systemCall("socket") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }
        do {
            // Bind with no permissions at all, then open up to `mode`: never briefly wider.
            let previousMask = umask(0o777)
            defer { umask(previousMask) }
            try systemCall("cannot bind \(path)") {
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
                }
            }
        } catch {
            close(descriptor)
            throw error
        }
        do {
            if let group {
                guard let entry = getgrnam(group) else { throw FastCGIError.socket("unknown group \(group)") }
                try systemCall("cannot give \(path) to group \(group)") { chown(path, uid_t.max, entry.pointee.gr_gid) }
            }
            try systemCall("cannot chmod \(path)") { chmod(path, mode_t(mode)) }
            try systemCall("cannot listen on \(path)") { listen(descriptor, backlog) }
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        return descriptor
    }

    /// Whether `descriptor` is a listening socket (what spawn-fcgi hands over on fd 0).
    static func isListeningSocket(_ descriptor: Int32) -> Bool {
        var accepting: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size) == 0 && accepting != 0
    }

    /// Wakes every thread blocked in `accept` on `descriptor`; no new connection is taken.
    static func stopListening(_ descriptor: Int32) {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    static func closeDescriptor(_ descriptor: Int32) {
        close(descriptor)
    }

    static func removeFile(_ path: String) {
        unlink(path)
    }

    /// Blocks SIGTERM, SIGINT and SIGHUP in this thread and the threads it starts
    /// (they are taken by ``waitForTerminationSignal()``), and ignores SIGPIPE
    /// so a web server hanging up shows as a failed write, not a dead process.
    static func blockTerminationSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = terminationSignals()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for SIGTERM, SIGINT or SIGHUP and returns its number.
    static func waitForTerminationSignal() -> Int32 {
        var set = terminationSignals()
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }

    /// Sends SIGTERM to this process (to end ``waitForTerminationSignal()`` from inside).
    static func terminateSelf() {
        kill(getpid(), SIGTERM)
    }

    private static func terminationSignals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        return set
    }
}
