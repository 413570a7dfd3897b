import Accounts
import SQLiteStore
import TestSupport
import Testing
@testable import Stores

struct StoreLocationTests {
    @Test(arguments: [
        ("sqlite:/var/lib/totpgate/totpgate.db", StoreLocation.sqlite(path: "/var/lib/totpgate/totpgate.db")),
        ("sqlite:var/totpgate.db", .sqlite(path: "var/totpgate.db")),
        ("postgresql://totpgate@db.example.com/totpgate", .postgreSQL(uri: "postgresql://totpgate@db.example.com/totpgate")),
        ("postgres:///totpgate?host=/run/postgresql", .postgreSQL(uri: "postgres:///totpgate?host=/run/postgresql")),
    ])
    func readsAStoreURL(_ url: String, _ location: StoreLocation) throws {
        #expect(try StoreLocation(url) == location)
    }

    @Test(arguments: [
        ("mysql://root:hunter2@db/totpgate", StoreLocationError.unknownScheme("mysql://root@db/totpgate")),
        ("/var/lib/totpgate/totpgate.db", .unknownScheme("/var/lib/totpgate/totpgate.db")),
        ("sqlite:", .emptyPath),
        ("", .unknownScheme("")),
    ])
    func refusesWhatNamesNoStoreWithoutShowingAPassword(_ url: String, _ error: StoreLocationError) {
        #expect(throws: error) { try StoreLocation(url) }
    }

    @Test(arguments: ["postgresql://totpgate:s3cret@db/totpgate?no_such_parameter=1", "postgresql://totpgate:s3cret%zz@db/totpgate"])
    func refusesAPostgreSQLURIThatLibpqRefusesWithoutShowingThePassword(_ url: String) throws {
        let error = try #require(throws: StoreLocationError.self) { try StoreLocation(url) }
        guard case .invalidPostgreSQLURI = error else { Issue.record("\(error)"); return }
        #expect(!error.description.contains("s3cret"))
    }

    /// What logs and errors show of a location: never its password.
    @Test(arguments: [
        ("postgresql://totpgate:s3cret@db.example.com:5432/totpgate?sslmode=require",
         "PostgreSQL postgresql://totpgate@db.example.com:5432/totpgate?sslmode=require"),
        ("postgres://db/totpgate?user=totpgate&password=s3cret&sslmode=verify-full",
         "PostgreSQL postgres://db/totpgate?user=totpgate&sslmode=verify-full"),
        ("postgresql://db/totpgate?password=s3cret", "PostgreSQL postgresql://db/totpgate"),
        ("postgresql://user:p%40ss@db", "PostgreSQL postgresql://user@db"),
        ("postgresql://", "PostgreSQL postgresql://"),
        ("sqlite:/var/lib/totpgate/totpgate.db", "SQLite /var/lib/totpgate/totpgate.db"),
    ])
    func describesALocationWithoutItsPassword(_ url: String, _ description: String) throws {
        #expect(try StoreLocation(url).description == description)
    }

    @Test func theDefaultIsTheSQLiteFileInTheDataDirectory() throws {
        let directory = try TemporaryDirectory()
        #expect(StoreLocation.default(dataDirectory: try DataDirectory(path: directory.path))
            == .sqlite(path: directory.path("totpgate.db")))
    }

    @Test func opensAnSQLiteStoreCreatingTheFile() throws {
        let directory = try TemporaryDirectory()
        let keys = try AccountKeys(masterKey: [UInt8](repeating: 1, count: 32))
        let store = try StoreLocation("sqlite:" + directory.path("new.db")).open(keys: keys)
        _ = try store.insertUser(name: "alice", passwordHash: "x", createdAt: 0)
        #expect(try StoreLocation.sqlite(path: directory.path("new.db")).open(keys: keys).user(named: "alice") != nil)
    }
}
