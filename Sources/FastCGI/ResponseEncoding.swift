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
        for (name, value) in response.headers {
            let start = bytes.count
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: ": ".utf8)
            bytes.append(contentsOf: value.utf8)
            // Checked where it was copied: scanning the array costs a fraction of walking the Strings.
            guard isSafe(bytes[start...]) else {
                bytes.removeSubrange(start...)
                continue
            }
            hasLength = hasLength || name.caseInsensitiveEquals("content-length")
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

    /// A header line without CR, LF or NUL, so no value can inject a header.
    private static func isSafe(_ line: ArraySlice<UInt8>) -> Bool {
        !line.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
