import Accounts
import Crypto
import OTP
import StoreContract
import Stores
import TestSupport
import Testing

/// The PostgreSQL store as `serve`, the CLI and `store migrate` reach it:
/// through a store URL.
@Suite(.needsPostgreSQL)
struct StoreFactoryTests {
    let schema: TestSchema
    let data: TemporaryDirectory
    let factory: AccountServiceFactory
    static let hasher = try! PasswordHasher(parameters: Scrypt(n: 16, r: 1, p: 1))
    static let secret = Array("12345678901234567890".utf8)
    static let now: Int64 = 1_700_000_000

    init() throws {
        schema = try TestSchema()
        data = try TemporaryDirectory()
        factory = try AccountServiceFactory(location: StoreLocation(schema.url), dataDirectory: DataDirectory(path: data.path))
    }

    @Test func aUserAddedThroughOneServiceLogsInThroughAnother() throws {
        try factory.service(hasher: Self.hasher).addUser(name: "alice", password: "correct horse", totpSecret: Self.secret, now: Self.now)
        let code = try TOTP(secret: Self.secret).code(at: Self.now)
        let outcome = try factory.service(hasher: Self.hasher).login(
            name: "alice", password: "correct horse", code: code, client: ClientAddress("192.0.2.1"), now: Self.now)
        guard case .success(let user) = outcome else { Issue.record("\(outcome)"); return }
        #expect(user.name == "alice")
    }

    @Test func theLocationShowsNoPassword() throws {
        #expect(factory.location.description.hasPrefix("PostgreSQL postgresql://totpgate@/totpgate?host="))
        #expect(try !factory.location.description.contains(#require(schema.url.firstMatch(of: /:([^:@\/]+)@/)?.1)))
    }

    @Test func migratesEveryRowFromSQLiteToPostgreSQLAndBack() throws {
        let sqlite = StoreLocation.sqlite(path: data.path("totpgate.db"))
        let accounts = try AccountServiceFactory(location: sqlite, dataDirectory: DataDirectory(path: data.path)).service(hasher: Self.hasher)
        try accounts.addUser(name: "alice", password: "correct horse", totpSecret: Self.secret, groups: ["admins", "staff"], now: Self.now)
        try accounts.addUser(name: "bob", password: "correct horse", totpSecret: nil, now: Self.now)
        _ = try accounts.login(name: "bob", password: "wrong password", code: nil, client: ClientAddress("192.0.2.7"), now: Self.now)
        try accounts.deleteUser(named: "bob")
        let original = try sqlite.open(keys: factory.keys).exportSnapshot()

        #expect(try StoreMigration.copy(from: sqlite, to: factory.location, keys: factory.keys).users == 1)
        #expect(try factory.location.open(keys: factory.keys).exportSnapshot().sorted == original.sorted)

        let back = StoreLocation.sqlite(path: data.path("back.db"))
        _ = try StoreMigration.copy(from: factory.location, to: back, keys: factory.keys)
        #expect(try back.open(keys: factory.keys).exportSnapshot().sorted == original.sorted)
        #expect(original.lastUserID == 2 && !original.throttleRows.isEmpty)  // the deleted user's id and failures travel too
    }

    @Test func refusesToMigrateIntoAPostgreSQLStoreThatHoldsData() throws {
        try factory.service(hasher: Self.hasher).addUser(name: "carol", password: "correct horse", totpSecret: nil, now: Self.now)
        let sqlite = StoreLocation.sqlite(path: data.path("totpgate.db"))
        _ = try sqlite.open(keys: factory.keys)  // a source that exists, empty: the target is what is refused
        #expect(throws: StoreError.notEmpty(factory.location.description)) {
            try StoreMigration.copy(from: sqlite, to: factory.location, keys: factory.keys)
        }
        #expect(try factory.location.open(keys: factory.keys).allUsers().map(\.name) == ["carol"])
    }
}
