import Accounts

/// `totpgate store migrate`: every row of one store copied into another,
/// empty one (SQLite to PostgreSQL and back), ids and all.
public enum StoreMigration {
    /// How many rows of each kind a migration copied.
    public struct Summary: Equatable, Sendable, CustomStringConvertible {
        public var users: Int
        public var recoveryCodes: Int
        public var revokedSessions: Int
        public var throttleRows: Int
        public var devices: Int

        init(_ snapshot: StoreSnapshot) {
            users = snapshot.users.count
            recoveryCodes = snapshot.recoveryCodes.count
            revokedSessions = snapshot.revokedSessions.count
            throttleRows = snapshot.throttleRows.count
            devices = snapshot.devices.count
        }

        public var description: String {
            "\(users) users, \(recoveryCodes) recovery codes, \(revokedSessions) revoked sessions, "
                + "\(throttleRows) throttle rows, \(devices) remembered devices"
        }
    }

    /// Why a migration was refused before anything was read.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// `--from` and `--to` name one store.
        case sameStore(StoreLocation)

        public var description: String {
            switch self {
            case .sameStore(let location): "--from and --to both name \(location)"
            }
        }
    }

    /// Copies every row of the store at `source` into the empty store at
    /// `target`, in one transaction on each side; `keys` are the data
    /// directory's (both stores' sealed secrets and hashes were made under them).
    /// A source that does not exist is an error, not an empty store.
    /// Throws ``StoreError/notEmpty(_:)`` and writes nothing when the target holds data.
    public static func copy(from source: StoreLocation, to target: StoreLocation, keys: AccountKeys) throws -> Summary {
        guard source != target else { throw Error.sameStore(source) }
        let (from, to) = (try source.open(keys: keys, creating: false), try target.open(keys: keys))
        let snapshot = try from.exportSnapshot()
        do {
            try to.importSnapshot(snapshot)
        } catch StoreError.notEmpty {
            throw StoreError.notEmpty(target.description)
        }
        return Summary(snapshot)
    }
}
