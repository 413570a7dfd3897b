/// Reads a `Cookie` request header (RFC 6265 §5.4), tolerant of junk.
public enum CookieParser {
    /// Name/value pairs of `header`; malformed pairs are skipped, surrounding
    /// quotes removed, and the first of a repeated name wins.
    public static func parse(_ header: String) -> [String: String] {
        var cookies: [String: String] = [:]
        for pair in header.split(separator: ";") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = pair[..<equals].trimmingSpaces()
            var value = pair[pair.index(after: equals)...].trimmingSpaces()
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            guard !name.isEmpty, name.allSatisfy(isTokenCharacter), value.allSatisfy(isCookieOctet) else { continue }
            if cookies[String(name)] == nil { cookies[String(name)] = String(value) }
        }
        return cookies
    }

    /// RFC 6265 cookie-octet: visible ASCII except `"`, `,`, `;` and `\`.
    static func isCookieOctet(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return ascii >= 0x21 && ascii <= 0x7E && ascii != 0x22 && ascii != 0x2C && ascii != 0x3B && ascii != 0x5C
    }

    /// RFC 7230 token character, what a cookie name may hold.
    static func isTokenCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue, ascii > 0x20, ascii < 0x7F else { return false }
        return !"()<>@,;:\\\"/[]?={}".utf8.contains(ascii)
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
        !name.isEmpty && name.allSatisfy(CookieParser.isTokenCharacter)
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
