/// A failed PostgreSQL call: what kind of failure, the SQLSTATE the server
/// gave (if it answered) and the message, which never holds the password.
public struct PostgreSQLError: Error, Equatable, CustomStringConvertible {
    /// What the caller can do about it.
    public enum Kind: Sendable, Equatable {
        /// The server cannot be reached or the connection was lost: the store
        /// is unavailable for now and reconnects by itself at a later use.
        case unavailable
        /// The server refused a statement (a constraint, a bug in SQL, …).
        case statement
        /// The server answered with something this code did not expect.
        case unexpectedResult
        /// The connection URI is malformed.
        case invalidURI
    }

    /// What kind of failure.
    public let kind: Kind
    /// The five-character SQLSTATE (`23505`, `57P01`, …), when the server sent one.
    public let sqlState: String?
    /// What libpq or the server said, on one line, with the statement that failed
    /// or the server it could not reach.
    public let message: String

    init(_ kind: Kind, sqlState: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        let prefix = switch kind {
        case .unavailable: "PostgreSQL is unavailable"
        case .statement, .unexpectedResult: "PostgreSQL error"
        case .invalidURI: "invalid PostgreSQL URI"
        }
        return sqlState.map { "\(prefix) (SQLSTATE \($0)): \(message)" } ?? "\(prefix): \(message)"
    }

    /// Whether a statement with a unique index violated it.
    var isUniqueViolation: Bool { sqlState == "23505" }

    /// Whether `sqlState` says the server is going away or cannot take the
    /// connection now, rather than that the statement was wrong: class 08
    /// (connection exception), 57P01–57P03 (shutdown, crash, starting up) and
    /// 53300 (too many connections).
    static func meansUnavailable(_ sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(sqlState)
    }
}
