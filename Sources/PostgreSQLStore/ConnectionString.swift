import OTP

/// A libpq connection URI, `postgresql://[user[:password]@][host][:port][/dbname][?param=value&…]`
/// (or `postgres://…`), and how to show it without its password.
///
/// The password may come from the URI, from `PGPASSWORD` or from `~/.pgpass`
/// (libpq reads those); whichever it is, ``description`` and every message
/// of ``PostgreSQLError`` leave it out.
public struct ConnectionString: Sendable, Equatable, CustomStringConvertible {
    /// The schemes libpq takes for a URI.
    public static let schemes = ["postgresql://", "postgres://"]

    /// The URI as given, password included: for libpq only.
    let uri: String
    /// The URI with the password and any `password`/`sslpassword` parameter value as `***`.
    public let description: String
    /// The secrets in the URI, as written and decoded, to scrub from messages.
    private let secrets: [String]

    /// Whether `text` starts with a PostgreSQL URI scheme.
    public static func isPostgreSQL(_ text: String) -> Bool {
        schemes.contains { text.hasPrefix($0) }
    }

    /// Takes `uri` apart as libpq does; throws ``PostgreSQLError/Kind/invalidURI``
    /// for another scheme or anything libpq would refuse.
    public init(_ uri: String) throws(PostgreSQLError) {
        guard let scheme = Self.schemes.first(where: { uri.hasPrefix($0) }) else {
            throw PostgreSQLError(.invalidURI, message: "a PostgreSQL store URL starts with postgresql:// or postgres://")
        }
        self.uri = uri
        var secrets: [String] = []
        var shown = scheme
        var rest = Substring(uri.dropFirst(scheme.count))
        // libpq looks for user credentials up to the first `/`, as here.
        if let at = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[at] == "@" {
            let credentials = rest[..<at]
            if let colon = credentials.firstIndex(of: ":") {
                secrets.append(String(credentials[credentials.index(after: colon)...]))
                shown += credentials[...colon] + "***"
            } else {
                shown += credentials
            }
            rest = rest[at...]
        }
        if let question = rest.firstIndex(of: "?") {
            shown += rest[...question]
            shown += rest[rest.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map { parameter in
                guard let equals = parameter.firstIndex(of: "="),
                      ["password", "sslpassword"].contains((try? PercentEncoding.decode(parameter[..<equals])) ?? String(parameter[..<equals]))
                else { return String(parameter) }
                secrets.append(String(parameter[parameter.index(after: equals)...]))
                return parameter[...equals] + "***"
            }.joined(separator: "&")
        } else {
            shown += rest
        }
        description = shown
        self.secrets = (secrets + secrets.compactMap { try? PercentEncoding.decode($0) }).filter { !$0.isEmpty }
        if let problem = Connection.problem(parsing: uri) {
            throw PostgreSQLError(.invalidURI, message: "\(description): \(scrub(problem))")
        }
    }

    /// `message` with every secret of the URI replaced by `***`.
    func scrub(_ message: String) -> String {
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sorted { $0.count > $1.count }.reduce(message) { $0.replacing($1, with: "***") }
    }
}
