/// FastCGI records as a web server writes them (FastCGI 1.0, section 3), to
/// feed the framing check and a real responder in tests.
enum FastCGIRecords {
    static func record(type: UInt8, id: UInt16 = 1, _ content: [UInt8] = [], padding: UInt8 = 0) -> [UInt8] {
        [1, type, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(content.count >> 8), UInt8(content.count & 0xFF), padding, 0]
            + content + [UInt8](repeating: 0, count: Int(padding))
    }

    static func begin(id: UInt16 = 1, role: UInt16 = 1, keepConnection: Bool = false) -> [UInt8] {
        record(type: 1, id: id, [UInt8(role >> 8), UInt8(role & 0xFF), keepConnection ? 1 : 0, 0, 0, 0, 0, 0])
    }

    /// A name or value length: one byte below 128, else four with the high bit set.
    static func length(_ count: Int) -> [UInt8] {
        count < 128 ? [UInt8(count)] : [UInt8(0x80 | (count >> 24) & 0x7F), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
    }

    static func pairs(_ parameters: [(String, String)]) -> [UInt8] {
        parameters.flatMap { name, value in length(name.utf8.count) + length(value.utf8.count) + Array(name.utf8) + Array(value.utf8) }
    }

    /// `content` in records of at most `chunk` bytes, then the empty record that ends the stream.
    static func stream(type: UInt8, id: UInt16 = 1, _ content: [UInt8], chunk: Int = 65535) -> [UInt8] {
        stride(from: 0, to: content.count, by: chunk).flatMap { start in
            record(type: type, id: id, Array(content[start..<min(start + chunk, content.count)]), padding: 3)
        } + record(type: type, id: id)
    }

    static func parameters(_ parameters: [(String, String)], id: UInt16 = 1, chunk: Int = 65535) -> [UInt8] {
        stream(type: 4, id: id, pairs(parameters), chunk: chunk)
    }

    static func standardInput(_ body: [UInt8], id: UInt16 = 1, chunk: Int = 65535) -> [UInt8] {
        stream(type: 5, id: id, body, chunk: chunk)
    }

    /// A whole `GET path` request as nginx sends it.
    static func get(_ path: String, id: UInt16 = 1, keepConnection: Bool = false, extra: [(String, String)] = []) -> [UInt8] {
        begin(id: id, keepConnection: keepConnection)
            + parameters([("REQUEST_METHOD", "GET"), ("REQUEST_URI", path), ("DOCUMENT_URI", path), ("REMOTE_ADDR", "127.0.0.1")] + extra, id: id)
            + standardInput([], id: id)
    }

    /// A whole `POST path` request with `body`.
    static func post(_ path: String, body: [UInt8], id: UInt16 = 1) -> [UInt8] {
        begin(id: id)
            + parameters([("REQUEST_METHOD", "POST"), ("REQUEST_URI", path), ("DOCUMENT_URI", path),
                          ("CONTENT_LENGTH", String(body.count)), ("CONTENT_TYPE", "application/x-www-form-urlencoded")], id: id)
            + standardInput(body, id: id, chunk: 1000)
    }
}
