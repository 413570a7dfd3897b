import Accounts
import PostgreSQLStore
import SQLiteStore

/// Where the accounts live, from `--store URL` (config key `store`):
/// `sqlite:PATH`, or a libpq URI `postgresql://…` / `postgres://…`.
///
/// The one place a store URL becomes a store connection, for `serve`, every
/// `user` and `store` command and the tests.
public enum StoreLocation: Equatable, Sendable, CustomStringConvertible {
    /// An SQLite file (created on first use, mode 0600).
    case sqlite(path: String)
    /// A PostgreSQL database, as a libpq connection URI. The password may be
    /// in it; ``description`` never shows it.
    case postgreSQL(uri: String)

    /// The location `url` names. Throws ``StoreLocationError/unknownScheme(_:)`` for anything else.
    public init(_ url: String) throws(StoreLocationError) {
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .emptyPath }
            self = .sqlite(path: path)
        } else if ConnectionString.isPostgreSQL(url) {
            do { _ = try ConnectionString(url) } catch { throw .invalidPostgreSQLURI(error.message) }
            self = .postgreSQL(uri: url)
        } else {
            throw .unknownScheme(Self.redacted(url))
        }
    }

    /// The default: `sqlite:DATA_DIR/totpgate.db`.
    public static func `default`(dataDirectory: DataDirectory) -> StoreLocation {
        .sqlite(path: dataDirectory.path(of: SQLiteUserStore.fileName))
    }

    /// `url` as logs and errors may show it: any password taken out.
    public static func redacted(_ url: String) -> String {
        ConnectionString.redacted(url)
    }

    /// What the start-up line and errors show: `SQLite /var/lib/totpgate/totpgate.db`,
    /// `PostgreSQL postgresql://totpgate@db.example.com/totpgate` (never a password).
    public var description: String {
        switch self {
        case .sqlite(let path): "SQLite \(path)"
        case .postgreSQL(let uri): "PostgreSQL \(Self.redacted(uri))"
        }
    }
}

/// A store URL that names no store.
public enum StoreLocationError: Error, Equatable, CustomStringConvertible {
    /// Neither `sqlite:` nor `postgresql://` / `postgres://` (shown without any password).
    case unknownScheme(String)
    /// `sqlite:` with no path.
    case emptyPath
    /// A PostgreSQL URI that libpq refuses, and why (never showing a password).
    case invalidPostgreSQLURI(String)

    public var description: String {
        switch self {
        case .unknownScheme(let url): "unknown store \(url.debugDescription): use sqlite:PATH or postgresql://…"
        case .emptyPath: "sqlite: needs a file path, as in sqlite:/var/lib/totpgate/totpgate.db"
        case .invalidPostgreSQLURI(let problem): "invalid PostgreSQL URI: \(problem)"
        }
    }
}
