import Accounts
import Foundation
import StoreContract
import Testing
@testable import PostgreSQLStore

/// The throwaway server `scripts/postgres-sandbox` started for this test run.
enum Sandbox {
    /// The variable holding the sandbox's URL.
    static let urlVariable = "TOTPGATE_TEST_POSTGRES_URL"
    /// Set to 1 to skip (visibly) the tests that need a server.
    static let skipVariable = "TOTPGATE_SKIP_POSTGRES"

    /// Whether the run was told to skip them: only an explicit 1 counts.
    static let isSkipped = ProcessInfo.processInfo.environment[skipVariable] == "1"

    /// The sandbox's URL; without one, a failure that says how to get one.
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            """
            these tests need a PostgreSQL server and \(Sandbox.urlVariable) is not set: \
            run them with `make test`, or `scripts/postgres-sandbox run swift test`; \
            set \(Sandbox.skipVariable)=1 to skip them
            """
        }
    }
}

/// A trait for suites that need the sandbox: skipped, and reported as such,
/// only when ``Sandbox/skipVariable`` says so.
extension Trait where Self == ConditionTrait {
    static var needsPostgreSQL: Self {
        .disabled(if: Sandbox.isSkipped, "\(Sandbox.skipVariable)=1")
    }
}

/// A schema of its own in the sandbox's database, so tests running at once
/// never see each other's rows. A store database of the contract suite: each
/// ``connect()`` opens a store on a new connection.
///
/// Schemas stay after their test (a store may outlive the value that made
/// it); the sandbox's whole cluster is thrown away after the run.
final class TestSchema: StoreDatabase {
    let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    private let base: String

    init() throws {
        base = try Sandbox.url()
        try Connection(try ConnectionString(base), defaults: []).execute("CREATE SCHEMA \(name)")
    }

    /// The sandbox's URL, working in this schema.
    var url: String { Self.url(base, adding: "options=-csearch_path%3D\(name)") }

    /// The connection string of ``url``.
    var connectionString: ConnectionString {
        get throws { try ConnectionString(url) }
    }

    /// A store in this schema, on a connection of its own.
    func store() throws -> PostgreSQLUserStore {
        try PostgreSQLUserStore(try connectionString)
    }

    func connect() throws -> any UserStore {
        try store()
    }

    /// A connection to the schema outside any store, to look at or break things.
    func connection() throws -> Connection {
        try Connection(try connectionString, defaults: [])
    }

    /// `url` with one more query parameter.
    static func url(_ url: String, adding parameter: String) -> String {
        url + (url.contains("?") ? "&" : "?") + parameter
    }
}
