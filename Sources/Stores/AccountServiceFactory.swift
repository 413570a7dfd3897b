import Accounts

/// Opens account services on one store: its location and the data
/// directory's keys, read once. `serve` makes one at start and a service per
/// worker thread; every `user` and `store` command and the tests make theirs
/// the same way.
public struct AccountServiceFactory: Sendable {
    /// Where the accounts live.
    public let location: StoreLocation
    /// The keys that seal secrets and hash codes, names and device ids.
    public let keys: AccountKeys
    /// Whether opening may create the SQLite file (the keys were created, if absent, already).
    public let creating: Bool

    /// A factory for the store at `location` (nil: the SQLite file in
    /// `dataDirectory`), with `dataDirectory`'s keys, created on first use
    /// unless `creating` is false: then a missing key or SQLite file is an
    /// error, for the commands that only read or change existing accounts.
    public init(location: StoreLocation?, dataDirectory: DataDirectory, creating: Bool = true) throws {
        self.location = location ?? .default(dataDirectory: dataDirectory)
        keys = try AccountKeys(dataDirectory: dataDirectory, creating: creating)
        self.creating = creating
    }

    /// A service over a new connection to the store.
    public func service(
        hasher: PasswordHasher, configuration: AccountConfiguration = AccountConfiguration(),
        audit: @escaping (AuditEvent) -> Void = { _ in }
    ) throws -> AccountService {
        AccountService(store: try location.open(keys: keys, creating: creating), keys: keys, hasher: hasher, configuration: configuration, audit: audit)
    }
}
