import Accounts
import PostgreSQLStore
import SQLiteStore

extension StoreLocation {
    /// A new connection to the store, creating (SQLite, unless `creating` is
    /// false) and migrating its schema on first use; `keys` are the data
    /// directory's, shared by every host of one store.
    public func open(keys: AccountKeys, creating: Bool = true) throws -> any UserStore {
        switch self {
        case .sqlite(let path):
            return try SQLiteUserStore(path: path, keys: keys, creating: creating)
        case .postgreSQL(let uri):
            // PostgreSQL's schema needs no keys: it has no wave-1 rows to re-key.
            return try PostgreSQLUserStore(try ConnectionString(uri))
        }
    }
}
