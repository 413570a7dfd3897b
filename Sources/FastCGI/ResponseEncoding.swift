import Web

/// The bytes of a FastCGI (CGI-style) response: a `Status:` line, headers,
/// a blank line and the body, ready to be written in one go.
enum ResponseEncoding {
    static func encode(_ response: Response) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024 + response.body.count)
        bytes.append(contentsOf: "Status: ".utf8)
        bytes.append(contentsOf: String(response.status.code).utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: response.status.reason.utf8)
        bytes.append(contentsOf: "\r\n".utf8)
        var hasLength = false
        for (name, value) in response.headers where isSafe(name) && isSafe(value) {
            hasLength = hasLength || name.caseInsensitiveEquals("content-length")
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: ": ".utf8)
            bytes.append(contentsOf: value.utf8)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        if !hasLength {
            bytes.append(contentsOf: "Content-Length: ".utf8)
            bytes.append(contentsOf: String(response.body.count).utf8)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        bytes.append(contentsOf: "\r\n".utf8)
        bytes.append(contentsOf: response.body)
        return bytes
    }

    /// A header part without CR, LF or NUL, so no value can inject a header.
    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
