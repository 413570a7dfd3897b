import Accounts
import Foundation
import Synchronization
import TestSupport
import Testing
@testable import PostgreSQLStore

@Suite(.needsPostgreSQL)
struct PostgreSQLSchemaTests {
    let schema: TestSchema

    init() throws {
        schema = try TestSchema()
    }

    func version() throws -> Int64 {
        try schema.connection().rows("SELECT version FROM schema_version")[0].integer(0)
    }

    @Test func aFreshDatabaseGetsTheCurrentSchema() throws {
        _ = try schema.store()
        #expect(try version() == Int64(PostgreSQLSchema.migrations.count))
    }

    @Test func reopeningKeepsDataAndTheVersion() throws {
        let id = try schema.store().insertUser(name: "alice", passwordHash: "x", createdAt: 1)
        #expect(try schema.store().user(id: id)?.name == "alice")
        #expect(try version() == Int64(PostgreSQLSchema.migrations.count))
    }

    @Test func refusesASchemaFromANewerVersion() throws {
        _ = try schema.store()
        try schema.connection().changes("UPDATE schema_version SET version = 99")
        #expect(throws: StoreError.schemaTooNew(found: 99, supported: PostgreSQLSchema.migrations.count)) {
            try schema.store()
        }
    }

    /// Hosts starting together on an empty database: without the advisory
    /// lock, two would create the tables at once and one would fail.
    @Test func storesOpeningTogetherOnAFreshDatabaseAllSucceed() throws {
        let target = try schema.connectionString
        let failures = Mutex<[String]>([])
        let opened = DispatchGroup()
        for _ in 0..<8 {
            opened.enter()
            Thread.detachNewThread {
                defer { opened.leave() }
                do { _ = try PostgreSQLUserStore(target) } catch { failures.withLock { $0.append("\(error)") } }
            }
        }
        opened.wait()
        #expect(failures.withLock { $0 } == [])
        #expect(try version() == Int64(PostgreSQLSchema.migrations.count))
    }
}
