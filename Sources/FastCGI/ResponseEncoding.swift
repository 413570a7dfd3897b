import Web

/// The bytes of a FastCGI (CGI-style) response: a `Status:` line, headers,
/// a blank line and the body, ready to be written in one go.
enum ResponseEncoding {
    static func encode(_ response: Response) -> [UInt8] {
        var head = "Status: \(response.status.code) \(response.status.reason)\r\n"
        for (name, value) in response.headers where isSafe(name) && isSafe(value) {
            head += name + ": " + value + "\r\n"
        }
        if response.headers["content-length"] == nil {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: response.body)
        return bytes
    }

    /// A header part without CR, LF or NUL, so no value can inject a header.
    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
