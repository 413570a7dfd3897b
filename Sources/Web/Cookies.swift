/// Reads a `Cookie` request header (RFC 6265 §5.4), tolerant of junk.
public enum CookieParser {
    /// Name/value pairs of `header`; malformed pairs are skipped, surrounding
    /// quotes removed, and the first of a repeated name wins.
    ///
    /// Works on the header's bytes: every byte a cookie may hold is ASCII, and
    /// walking `Character`s (grapheme clusters) cost most of a `/auth` request.
    public static func parse(_ header: String) -> [String: String] {
        var cookies: [String: String] = [:]
        forEachCookie(in: header) { name, value in
            let key = String(decoding: name, as: UTF8.self)
            if cookies[key] == nil { cookies[key] = String(decoding: value, as: UTF8.self) }
            return true
        }
        return cookies
    }

    /// The value of the first well-formed cookie called `name` in `header`, or nil:
    /// what `parse(header)[name]` gives, without building the dictionary.
    public static func value(of name: String, in header: String) -> String? {
        var found: String?
        forEachCookie(in: header) { candidate, value in
            guard candidate.elementsEqual(name.utf8) else { return true }
            found = String(decoding: value, as: UTF8.self)
            return false
        }
        return found
    }

    /// The values of every well-formed cookie called `name` in `header`, in order.
    public static func values(of name: String, in header: String) -> [String] {
        var found: [String] = []
        forEachCookie(in: header) { candidate, value in
            if candidate.elementsEqual(name.utf8) { found.append(String(decoding: value, as: UTF8.self)) }
            return true
        }
        return found
    }

    /// Calls `body` with the name and value bytes of each well-formed pair, in
    /// order, until it returns false. Works on one copy of the header's bytes:
    /// every byte a cookie may hold is ASCII, walking `Character`s (grapheme
    /// clusters) cost most of a `/auth` request, and an array's integer indices
    /// cost a fraction of a String view's.
    private static func forEachCookie(
        in header: String, _ body: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Bool
    ) {
        let bytes = Array(header.utf8)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
            let pair = bytes[start..<end]
            start = end + 1
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = pair[..<equals].trimmingSpaces()
            var value = pair[pair.index(after: equals)...].trimmingSpaces()
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            guard !name.isEmpty, name.allSatisfy(isTokenCharacter), value.allSatisfy(isCookieOctet) else { continue }
            if !body(name, value) { return }
        }
    }

    /// RFC 6265 cookie-octet: visible ASCII except `"`, `,`, `;` and `\`.
    static func isCookieOctet(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte <= 0x7E && byte != 0x22 && byte != 0x2C && byte != 0x3B && byte != 0x5C
    }

    /// RFC 7230 token character, what a cookie name may hold.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21...0x7E:
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"),
                 UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""),
                 UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="),
                 UInt8(ascii: "{"), UInt8(ascii: "}"):
                false
            default:
                true
            }
        default:
            false
        }
    }
}

/// A `Set-Cookie` response header.
public struct SetCookie: Sendable, Equatable {
    public enum SameSite: String, Sendable {
        case strict = "Strict"
        case lax = "Lax"
        case none = "None"
    }

    public var name: String
    public var value: String
    public var path: String = "/"
    public var domain: String?
    /// Seconds until the browser drops the cookie; nil for a session cookie, 0 to delete.
    public var maxAge: Int?
    public var secure = false
    public var httpOnly = true
    public var sameSite: SameSite = .lax

    public init(name: String, value: String, path: String = "/", domain: String? = nil, maxAge: Int? = nil,
                secure: Bool = false, httpOnly: Bool = true, sameSite: SameSite = .lax) {
        self.name = name
        self.value = value
        self.path = path
        self.domain = domain
        self.maxAge = maxAge
        self.secure = secure
        self.httpOnly = httpOnly
        self.sameSite = sameSite
    }

    /// Whether `name` may name a cookie: an RFC 7230 token.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(CookieParser.isTokenCharacter)
    }

    /// Whether `path` may be a `Path` attribute: it starts with `/` and holds
    /// visible ASCII other than `;`, which would end the attribute.
    public static func isValidPath(_ path: String) -> Bool {
        path.hasPrefix("/") && path.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != ";" }
    }

    /// Whether `domain` may be a `Domain` attribute: a DNS name, without the
    /// leading dot RFC 6265 ignores anyway.
    public static func isValidDomain(_ domain: String) -> Bool {
        ReturnAddress.isDNSName(Substring(domain))
    }

    /// The header value, e.g. `sid=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax`.
    public var headerValue: String {
        var parts = ["\(name)=\(value)", "Path=\(path)"]
        if let domain { parts.append("Domain=\(domain)") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure { parts.append("Secure") }
        if httpOnly { parts.append("HttpOnly") }
        parts.append("SameSite=\(sameSite.rawValue)")
        return parts.joined(separator: "; ")
    }
}
