internal import CFastCGI
import Glibc

// The only file of this target that touches libfcgi: the request handle, its
// streams and its parameter array never leave it.

/// Initialises libfcgi once per process (required before threads accept).
private let libraryInitialized: Bool = FCGX_Init() == 0

/// One thread's libfcgi request handle, reused for request after request on
/// connections this responder accepted itself.
///
/// libfcgi reads a request from `ipcFd` when one is open instead of accepting
/// (`FCGX_Accept_r`). Its listening socket is -1, so it can never accept on
/// its own; `keepConnection` is held at 1, so it never closes a connection
/// it was handed; and `detached` is set, so that if it closes one anyway (on
/// a protocol or write error) it does so at once, without the blocking
/// "linger" of `OS_Close`.
final class FastCGIRequest {
    private let request: UnsafeMutablePointer<FCGX_Request>
    /// Whether the web server asked to keep the connection (`FCGI_KEEP_CONN`).
    private(set) var peerKeepsConnection = false

    init() throws(FastCGIError) {
        guard libraryInitialized else { throw .library("FCGX_Init failed") }
        request = .allocate(capacity: 1)
        guard FCGX_InitRequest(request, -1, 0) == 0 else {
            request.deallocate()
            throw .library("FCGX_InitRequest failed")
        }
    }

    deinit {
        // The descriptor, if any, belongs to the connection, not to libfcgi.
        request.pointee.ipcFd = -1
        FCGX_Free(request, 0)
        request.deallocate()
    }

    /// Reads the request waiting on `descriptor` (all of it has arrived: see
    /// ``RequestFraming``). False when libfcgi refused it, and then it has
    /// closed `descriptor`.
    func begin(on descriptor: Int32) -> Bool {
        request.pointee.ipcFd = descriptor
        request.pointee.keepConnection = 1
        request.pointee.detached = 1
        guard FCGX_Accept_r(request) == 0 else { return false }
        peerKeepsConnection = request.pointee.keepConnection != 0
        request.pointee.keepConnection = 1
        request.pointee.detached = 1
        return true
    }

    /// Ends the current request, flushing its output. True when the descriptor
    /// is still open (and the caller's to close), false when libfcgi closed it
    /// after an error.
    func finish() -> Bool {
        FCGX_Finish_r(request)
        let open = request.pointee.ipcFd >= 0
        request.pointee.ipcFd = -1
        return open
    }

    /// Every FastCGI parameter of the current request as name/value pairs.
    func parameters() -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        guard var entry = request.pointee.envp else { return result }
        result.reserveCapacity(40)
        while let pointer = entry.pointee {
            // Name and value straight from the C string's bytes: no intermediate String.
            let length = strlen(pointer)
            pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                if let parameter = RequestMapping.parameter(fromEntry: UnsafeBufferPointer(start: bytes, count: length)) {
                    result.append(parameter)
                }
            }
            entry += 1
        }
        return result
    }

    /// The request body, `length` bytes; nil when the body ends before that.
    func readBody(length: Int) -> [UInt8]? {
        guard length > 0 else { return [] }
        guard let input = request.pointee.in else { return nil }
        var body = [UInt8](repeating: 0, count: length)
        var filled = 0
        body.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            while filled < length {
                let count = FCGX_GetStr(base + filled, Int32(length - filled), input)
                if count <= 0 { break }
                filled += Int(count)
            }
        }
        return filled == length ? body : nil
    }

    /// Writes `bytes` to the response stream; false when the web server has gone.
    func write(_ bytes: [UInt8]) -> Bool {
        guard let output = request.pointee.out else { return false }
        return bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            return FCGX_PutStr(base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), output) == Int32(buffer.count)
        }
    }
}
