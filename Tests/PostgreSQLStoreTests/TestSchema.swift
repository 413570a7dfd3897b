import Accounts
import Foundation
import StoreContract
import TestSupport
import Testing
@testable import PostgreSQLStore

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
