import Glibc
import SystemIO

// The only file of this target that calls the C library on a connection's
// socket: accepting, peeking, timeouts and closing.

enum ConnectionCalls {
    /// What one `accept` on the listening socket gave.
    enum Accepted {
        case connection(Int32)
        /// Nothing this time: a timeout, a signal, or a client that gave up in the queue.
        case nothing
        /// The listening socket cannot accept (a lack of descriptors, or worse).
        case failed(IOError)
    }

    static func accept(_ listener: Int32) -> Accepted {
        let descriptor = Glibc.accept(listener, nil, nil)
        if descriptor >= 0 { return .connection(descriptor) }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH,
             EOPNOTSUPP, ENETUNREACH:
            return .nothing
        case let code:
            return .failed(IOError(errnoCode: code, reason: "accept"))
        }
    }

    /// What has arrived on `descriptor`, copied into the start of `buffer`
    /// without being taken: its length, 0 at the end of the stream (or on an
    /// error, which ends the connection alike), nil when nothing is there yet.
    static func peek(_ descriptor: Int32, into buffer: inout [UInt8]) -> Int? {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_PEEK | MSG_DONTWAIT)) }
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: return 0
            }
        }
    }

    /// Reads and drops what has arrived on `descriptor`, using `scratch`;
    /// false once the stream has ended (or failed), true while it stays open.
    static func discardInput(_ descriptor: Int32, scratch: inout [UInt8]) -> Bool {
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 { continue }
            if count == 0 { return false }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return true
            default: return false
            }
        }
    }

    /// Makes a blocked read (`SO_RCVTIMEO`) or write (`SO_SNDTIMEO`) on `descriptor` fail after `limit`.
    static func limit(_ option: Int32, of descriptor: Int32, to limit: Duration) {
        let (seconds, attoseconds) = max(limit, .milliseconds(1)).components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        // Only an invalid descriptor makes this fail, and then the next call on it fails too.
        setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Ends what this side sends; what the peer sends can still be read.
    static func shutdownWriting(_ descriptor: Int32) {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    static func close(_ descriptor: Int32) {
        _ = Glibc.close(descriptor)
    }
}
