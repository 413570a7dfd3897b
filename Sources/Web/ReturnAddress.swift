/// Where the user may be sent after login: only places this site controls.
public enum ReturnAddress {
    /// The longest return address accepted.
    public static let maximumLength = 2000

    /// `candidate` when it is a local path (`/…` but not `//…`, no scheme, no
    /// backslash, no spaces, control or non-ASCII characters, at most 2,000
    /// bytes) or an `https` URL on one of `allowedHosts`; nil otherwise.
    /// A plain `http` URL passes only when `plainHTTP` says the login itself
    /// came over plain HTTP: a login over HTTPS must not hand its user to a
    /// network attacker on the way back.
    public static func validated(_ candidate: String?, allowedHosts: Set<String> = [], plainHTTP: Bool = false) -> String? {
        guard let candidate, !candidate.isEmpty, candidate.utf8.count <= maximumLength,
              candidate.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F && $0 != "\\" })
        else { return nil }
        if candidate.hasPrefix("/") {
            return candidate.hasPrefix("//") ? nil : candidate
        }
        guard !allowedHosts.isEmpty, let (host, isHTTPS) = host(ofAbsolute: candidate), allowedHosts.contains(host),
              isHTTPS || plainHTTP
        else { return nil }
        return candidate
    }

    /// `text` in the form allowed hosts are compared in, lower-cased: a DNS name
    /// (letters, digits, dots, hyphens) with an optional port 1-65535, such as
    /// `app.example.com` or `app.example.com:8443`; nil for anything else.
    /// Being that narrow, it is also safe to name in a `Content-Security-Policy`.
    public static func allowedHost(_ text: String) -> String? {
        let lower = text.lowercased()
        let parts = lower.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = parts.first, isDNSName(name) else { return nil }
        if parts.count == 2 {
            let port = parts[1]
            guard !port.hasPrefix("0"), port.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let number = Int(port), (1...65535).contains(number)
            else { return nil }
        }
        return lower
    }

    private static let dnsCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".utf8)

    /// Letters, digits and hyphens in dot-separated labels of 1-63 characters.
    static func isDNSName(_ name: Substring) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { dnsCharacters.contains($0) }
        }
    }

    /// The lower-cased host (with port) of an `http://` or `https://` URL
    /// without user info, and whether it is `https`.
    private static func host(ofAbsolute url: String) -> (host: String, isHTTPS: Bool)? {
        let lower = url.lowercased()
        let rest: Substring
        let isHTTPS = lower.hasPrefix("https://")
        if isHTTPS {
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@"), !authority.contains("%") else { return nil }
        return (String(authority), isHTTPS)
    }
}
