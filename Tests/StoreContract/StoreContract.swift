import Accounts
import Testing

/// One store under test: a database that was empty when it was made, to
/// which any number of connections may be opened.
public protocol StoreDatabase: Sendable {
    /// A new connection to the database; each call opens its own.
    func connect() throws -> any UserStore
}

/// One behaviour every ``UserStore`` must have, run unchanged against each:
/// `@Test(arguments: StoreContract.cases) func contract(_ c: StoreContract.Case)`
/// calls ``Case/check(_:)`` with a function that makes a fresh, empty database.
public enum StoreContract {
    /// A named check of the contract.
    public struct Case: Sendable, CustomTestStringConvertible {
        /// What the store must do, as a sentence.
        public let name: String
        let body: @Sendable (_ freshDatabase: @Sendable () throws -> any StoreDatabase) throws -> Void

        public var testDescription: String { name }

        /// A check that makes its own databases.
        init(_ name: String, withDatabases body: @escaping @Sendable (_ freshDatabase: @Sendable () throws -> any StoreDatabase) throws -> Void) {
            self.name = name
            self.body = body
        }

        /// A check on one connection to one fresh database.
        init(_ name: String, onOneConnection body: @escaping @Sendable (any UserStore) throws -> Void) {
            self.init(name) { fresh in try body(try fresh().connect()) }
        }

        /// A check on one fresh database, opening connections as it likes.
        init(_ name: String, onOneDatabase body: @escaping @Sendable (any StoreDatabase) throws -> Void) {
            self.init(name) { fresh in try body(try fresh()) }
        }

        /// Runs the check; `freshDatabase` makes a new, empty database each time it is called.
        public func check(_ freshDatabase: @escaping @Sendable () throws -> any StoreDatabase) throws {
            try body(freshDatabase)
        }
    }

    /// The data directory keys the checks seal secrets and hash names with;
    /// a store that needs keys to open (SQLite's migrations) gets these.
    public static let keys = try! AccountKeys(masterKey: [UInt8](repeating: 7, count: 32))

    /// Every check, for `@Test(arguments:)`.
    public static let cases: [Case] = users + secondFactor + recoveryCodes + sessions + groups + throttling + devices
        + maintenance + rules
}
