internal import CFastCGI
import Glibc

// The only file of this target that touches libfcgi: the request handle, its
// streams and its parameter array never leave it.

/// Initialises libfcgi once per process (required before threads accept).
private let libraryInitialized: Bool = FCGX_Init() == 0

/// One accept loop's FastCGI request handle, reused request after request.
final class FastCGIConnection {
    private let request: UnsafeMutablePointer<FCGX_Request>

    /// A handle accepting on the listening socket `listenDescriptor`.
    init(listenDescriptor: Int32) throws(FastCGIError) {
        guard libraryInitialized else { throw .library("FCGX_Init failed") }
        request = .allocate(capacity: 1)
        guard FCGX_InitRequest(request, listenDescriptor, 0) == 0 else {
            request.deallocate()
            throw .library("FCGX_InitRequest failed")
        }
    }

    deinit {
        FCGX_Free(request, 1)
        request.deallocate()
    }

    /// Finishes the previous request and waits for the next; false once the
    /// listening socket is shut down (or accept fails for good).
    func accept() -> Bool {
        FCGX_Accept_r(request) == 0
    }

    /// Ends the current request, flushing its output.
    func finish() {
        FCGX_Finish_r(request)
    }

    /// The role the web server asked for in the request's begin record
    /// (`FCGI_RESPONDER` 1, `FCGI_AUTHORIZER` 2, `FCGI_FILTER` 3), which no
    /// parameter can override.
    var role: Int32 {
        request.pointee.role
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
                let all = UnsafeBufferPointer(start: bytes, count: length)
                if let equals = all.firstIndex(of: UInt8(ascii: "=")) {
                    result.append((name: String(decoding: UnsafeBufferPointer(rebasing: all[..<equals]), as: UTF8.self),
                                   value: String(decoding: UnsafeBufferPointer(rebasing: all[(equals + 1)...]), as: UTF8.self)))
                }
            }
            entry += 1
        }
        return result
    }

    /// Up to `limit` bytes of the request body; fewer at its end.
    func readBody(limit: Int) -> [UInt8] {
        guard limit > 0, let input = request.pointee.in else { return [] }
        var body = [UInt8](repeating: 0, count: limit)
        var filled = 0
        body.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            while filled < limit {
                let count = FCGX_GetStr(base + filled, Int32(limit - filled), input)
                if count <= 0 { break }
                filled += Int(count)
            }
        }
        if filled < limit { body.removeSubrange(filled..<limit) }
        return body
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

/// Opens a TCP listening socket on `address` (`host:port`) through libfcgi.
func openTCPSocket(_ address: String, backlog: Int32) throws(FastCGIError) -> Int32 {
    guard libraryInitialized else { throw .library("FCGX_Init failed") }
    let descriptor = FCGX_OpenSocket(address, backlog)
    guard descriptor >= 0 else { throw .socket("cannot listen on \(address)") }
    return descriptor
}

/// Tells libfcgi's accept loops that the process is shutting down.
func announceShutdown() {
    FCGX_ShutdownPending()
}
