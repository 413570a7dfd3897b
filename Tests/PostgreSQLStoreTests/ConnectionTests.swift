import Foundation
import TestSupport
import Testing
@testable import PostgreSQLStore

/// The libpq wrapper against the sandbox server.
@Suite(.needsPostgreSQL)
struct ConnectionTests {
    let schema: TestSchema

    init() throws {
        schema = try TestSchema()
    }

    @Test func runsStatementsWithParametersOfEveryKind() throws {
        let connection = try schema.connection()
        try connection.execute("CREATE TABLE t (i bigint, s smallint, b boolean, x text, y bytea)")
        let bytes: [UInt8] = [0, 1, 0xFF, 0x5C, 0x78, 0]  // NUL bytes, a backslash and an "x", as bytea's text format would escape
        #expect(try connection.changes("INSERT INTO t VALUES ($1, $2, $3, $4, $5)", Int64.min, -2, "true", "ünïcode 'quoted'", bytes) == 1)
        #expect(try connection.changes("INSERT INTO t VALUES ($1, $2, $3, $4, $5)", Int64?.none, Int?.none, String?.none, String?.none, [UInt8]?.none) == 1)
        let rows = try connection.rows("SELECT i, s, b, x, y FROM t ORDER BY i NULLS LAST")
        #expect(try rows[0].integer(0) == Int64.min)
        #expect(try rows[0].integer(1) == -2)
        #expect(try rows[0].boolean(2))
        #expect(try rows[0].text(3) == "ünïcode 'quoted'")
        #expect(try rows[0].blob(4) == bytes)
        #expect(try rows[1].optionalInteger(0) == nil)
        #expect(try rows[1].optionalBlob(4) == nil)
        #expect(try connection.changes("UPDATE t SET s = 1") == 2)
    }

    @Test func preparesEachStatementOncePerConnection() throws {
        let connection = try schema.connection()
        for value in 1...5 {
            #expect(try connection.rows("SELECT $1::int + 1", value)[0].integer(0) == Int64(value + 1))
        }
        #expect(try connection.rows("SELECT count(*) FROM pg_prepared_statements")[0].integer(0) == 2)  // this one too
    }

    @Test func aRefusedStatementThrowsItsSQLState() throws {
        let connection = try schema.connection()
        let error = try #require(throws: PostgreSQLError.self) { try connection.rows("SELECT * FROM no_such_table") }
        #expect(error.kind == .statement)
        #expect(error.sqlState == "42P01")
        #expect(error.description.contains("no_such_table"))
        #expect(try connection.rows("SELECT 1")[0].integer(0) == 1)  // the connection still works
    }

    @Test func aUniqueViolationIsRecognised() throws {
        let connection = try schema.connection()
        try connection.execute("CREATE TABLE t (k int PRIMARY KEY)")
        try connection.changes("INSERT INTO t VALUES ($1)", 1)
        let error = try #require(throws: PostgreSQLError.self) { try connection.changes("INSERT INTO t VALUES ($1)", 1) }
        #expect(error.isUniqueViolation)
    }

    @Test func aTransactionThatThrowsIsRolledBack() throws {
        struct Abort: Error {}
        let connection = try schema.connection()
        try connection.execute("CREATE TABLE t (k int)")
        #expect(throws: Abort.self) {
            try connection.transaction {
                try connection.changes("INSERT INTO t VALUES ($1)", 1)
                throw Abort()
            }
        }
        #expect(try connection.rows("SELECT count(*) FROM t")[0].integer(0) == 0)
        _ = try connection.transaction { try connection.changes("INSERT INTO t VALUES ($1)", 2) }
        #expect(try connection.rows("SELECT count(*) FROM t")[0].integer(0) == 1)
    }

    @Test func theStoresDefaultsApplyWhereTheURIIsSilentAndTheURIWins() throws {
        let defaults = PostgreSQLUserStore.connectionDefaults
        let name = "SELECT current_setting('application_name')"
        #expect(try Connection(try schema.connectionString, defaults: defaults).rows(name)[0].text(0) == "totpgate")
        let custom = try ConnectionString(TestSchema.url(schema.url, adding: "application_name=gate-b"))
        #expect(try Connection(custom, defaults: defaults).rows(name)[0].text(0) == "gate-b")
    }

    @Test func aWrongPasswordIsUnavailableAndNeverShown() throws {
        let wrong = try Sandbox.url().replacing(/:[^:@\/]*@/, with: ":WrongPassword123@")
        let error = try #require(throws: PostgreSQLError.self) { try Connection(try ConnectionString(wrong), defaults: []) }
        #expect(error.kind == .unavailable)
        #expect(error.description.contains("password authentication failed"))
        #expect(!error.description.contains("WrongPassword123"))
    }

    @Test func thePasswordMayComeFromAPasswordFile() throws {
        let url = try Sandbox.url()
        let password = try #require(url.firstMatch(of: /:([^:@\/]*)@/)?.1)
        let directory = try TemporaryDirectory()
        let file = directory.path("pgpass")
        // libpq ignores a password file that others may read.
        #expect(FileManager.default.createFile(atPath: file, contents: Data("*:*:*:totpgate:\(password)\n".utf8),
                                               attributes: [.posixPermissions: 0o600]))
        let withoutPassword = TestSchema.url(url.replacing(/:[^:@\/]*@/, with: "@"), adding: "passfile=\(file)")
        let connection = try Connection(try ConnectionString(withoutPassword), defaults: [])
        #expect(try connection.rows("SELECT current_user")[0].text(0) == "totpgate")
    }

    @Test func noServerMeansUnavailable() throws {
        let nowhere = "postgresql://totpgate@/totpgate?host=/nonexistent-\(UUID().uuidString)"
        let error = try #require(throws: PostgreSQLError.self) { try Connection(try ConnectionString(nowhere), defaults: []) }
        #expect(error.kind == .unavailable)
    }

    @Test func aTerminatedConnectionIsBrokenAndItsStatementUnavailable() throws {
        let connection = try schema.connection()
        try schema.connection().rows("SELECT pg_terminate_backend($1)", Int(connection.serverProcessID))
        let error = try #require(throws: PostgreSQLError.self) { try connection.rows("SELECT 1") }
        #expect(error.kind == .unavailable)
        #expect(connection.isBroken)
    }
}
