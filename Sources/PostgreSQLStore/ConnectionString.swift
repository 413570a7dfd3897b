import Encoding

/// A libpq connection URI, `postgresql://[user[:password]@][host][:port][/dbname][?param=value&…]`
/// (or `postgres://…`), and how to show it without its password.
///
/// The password may come from the URI, from `PGPASSWORD` or from `~/.pgpass`
/// (libpq reads those); whichever it is, ``description`` and every message
/// of ``PostgreSQLError`` leave it out.
public struct ConnectionString: Sendable, Equatable, CustomStringConvertible {
    /// The schemes libpq takes for a URI.
    public static let schemes = ["postgresql://", "postgres://"]
    /// Query parameters whose values are secrets (compared ignoring case).
    static let secretParameters: Set<String> = ["password", "sslpassword"]

    /// The URI as given, password included: for libpq only.
    let uri: String
    /// The URI without its password: see ``redacted(_:)``.
    public let description: String
    /// The secrets in the URI, as written and decoded, to scrub from messages.
    private let secrets: [String]

    /// Whether `text` starts with a PostgreSQL URI scheme.
    public static func isPostgreSQL(_ text: String) -> Bool {
        schemes.contains { text.hasPrefix($0) }
    }

    /// Takes `uri` apart; throws ``PostgreSQLError/Kind/invalidURI`` for
    /// another scheme or anything libpq would refuse.
    public init(_ uri: String) throws(PostgreSQLError) {
        guard Self.isPostgreSQL(uri) else {
            throw PostgreSQLError(.invalidURI, message: "it starts with postgresql:// or postgres://")
        }
        self.uri = uri
        (description, secrets) = Self.takingSecretsOut(of: uri)
        if let problem = Connection.problem(parsing: uri) {
            throw PostgreSQLError(.invalidURI, message: scrub(problem))
        }
    }

    /// `uri` (of any `scheme://`) without the password of its user info
    /// (`user:secret@`) and without `password`/`sslpassword` parameters:
    /// `postgresql://totpgate@db/totpgate?sslmode=require`. Other text is returned as is.
    public static func redacted(_ uri: String) -> String {
        takingSecretsOut(of: uri).shown
    }

    /// `message` with every secret of the URI, as written or decoded, replaced by `***`.
    func scrub(_ message: String) -> String {
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sorted { $0.count > $1.count }.reduce(message) { $0.replacing($1, with: "***") }
    }

    /// The URI as shown, and the secrets taken out of it (raw and percent-decoded).
    ///
    /// libpq reads user info up to the first `@` before the first `/`; taking
    /// everything up to the last one instead also hides a password that holds
    /// an unescaped `@`.
    private static func takingSecretsOut(of uri: String) -> (shown: String, secrets: [String]) {
        guard let schemeEnd = uri.range(of: "://") else { return (uri, []) }
        var secrets: [String] = []
        var shown = String(uri[..<schemeEnd.upperBound])
        var rest = uri[schemeEnd.upperBound...]
        if let at = rest.prefix(while: { $0 != "/" }).lastIndex(of: "@") {
            let credentials = rest[..<at]
            let user = credentials.prefix { $0 != ":" }
            if user.endIndex < credentials.endIndex {
                let password = credentials[credentials.index(after: user.endIndex)...]
                secrets += [String(password), String(password.prefix { $0 != "@" })]
            }
            shown += user
            rest = rest[at...]
        }
        guard let question = rest.firstIndex(of: "?") else { return (shown + rest, decoded(secrets)) }
        let kept = rest[rest.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).filter { parameter in
            let (key, value) = (parameter.prefix { $0 != "=" }, parameter.drop { $0 != "=" }.dropFirst())
            guard secretParameters.contains(((try? PercentEncoding.decode(key)) ?? String(key)).lowercased()) else { return true }
            secrets.append(String(value))
            return false
        }
        shown += rest[..<question] + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        return (shown, decoded(secrets))
    }

    /// `secrets` and their percent-decoded forms, without empty ones.
    private static func decoded(_ secrets: [String]) -> [String] {
        (secrets + secrets.compactMap { try? PercentEncoding.decode($0) }).filter { !$0.isEmpty }
    }
}
