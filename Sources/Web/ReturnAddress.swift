/// Where the user may be sent after login: only places this site controls.
public enum ReturnAddress {
    /// The longest return address accepted.
    public static let maximumLength = 2000

    /// `candidate` when it is a local path (`/…` but not `//…`, no scheme, no
    /// backslash, no spaces, control or non-ASCII characters, at most 2,000 bytes) or an `http(s)`
    /// URL on one of `allowedHosts`; nil otherwise.
    public static func validated(_ candidate: String?, allowedHosts: Set<String> = []) -> String? {
        guard let candidate, !candidate.isEmpty, candidate.utf8.count <= maximumLength,
              candidate.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F && $0 != "\\" })
        else { return nil }
        if candidate.hasPrefix("/") {
            return candidate.hasPrefix("//") ? nil : candidate
        }
        guard !allowedHosts.isEmpty, let host = host(ofAbsolute: candidate), allowedHosts.contains(host) else { return nil }
        return candidate
    }

    /// The lower-cased host (with port) of an `http://` or `https://` URL without user info.
    private static func host(ofAbsolute url: String) -> String? {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@"), !authority.contains("%") else { return nil }
        return String(authority)
    }
}
