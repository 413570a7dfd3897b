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

        /// Runs the check; `freshDatabase` makes a new, empty database each time it is called.
        public func check(_ freshDatabase: @escaping @Sendable () throws -> any StoreDatabase) throws {
            try body(freshDatabase)
        }
    }

    /// Every check, for `@Test(arguments:)`.
    public static let cases: [Case] = []
}
