/// Connection URIs as shown to people: the password taken out.
enum PostgreSQLURI {
    /// `uri` without its password, in the user info (`user:secret@`) or the
    /// query (`password=secret`): `postgresql://totpgate@db/totpgate?sslmode=require`.
    static func redacted(_ uri: String) -> String {
        guard let schemeEnd = uri.range(of: "://") else { return uri }
        let rest = uri[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let user = authority[..<at].prefix { $0 != ":" }
            authority = user + authority[at...]
        }
        var tail = rest[authorityEnd...]
        if let queryStart = tail.firstIndex(of: "?") {
            let parameters = tail[tail.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: false)
                .filter { !$0.lowercased().hasPrefix("password=") }
            tail = tail[..<queryStart] + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
        }
        return String(uri[..<schemeEnd.upperBound] + authority + tail)
    }
}
