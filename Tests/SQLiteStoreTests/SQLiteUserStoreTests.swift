import Accounts
import Foundation
import StoreContract
import TestSupport
import Testing
@testable import SQLiteStore

/// What only the SQLite store does: its file, its schema versions, its constraints.
struct SQLiteUserStoreTests {
    let database: SQLiteDatabase
    let store: SQLiteUserStore

    init() throws {
        database = try SQLiteDatabase()
        store = try SQLiteUserStore(path: database.path, keys: StoreContract.keys)
    }

    @Test func theDatabaseAndItsLogFilesAreMode0600() throws {
        _ = try store.insertUser(name: "alice", passwordHash: "x", createdAt: 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: database.directory.path)
        #expect(Set(files) == ["totpgate.db", "totpgate.db-wal", "totpgate.db-shm"])
        for file in files {
            let mode = try FileManager.default.attributesOfItem(atPath: database.directory.path(file))[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
    }

    @Test func reopeningKeepsDataAndTheSchemaVersion() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: 0)
        #expect(try store.schemaVersion == Int64(SQLiteSchema.migrations.count))
        let reopened = try SQLiteUserStore(path: database.path, keys: StoreContract.keys)
        #expect(try reopened.user(id: id)?.name == "alice")
        #expect(try reopened.schemaVersion == Int64(SQLiteSchema.migrations.count))
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        try Connection(path: database.path, busyTimeoutMilliseconds: 100).execute("PRAGMA user_version = 99")
        #expect(throws: StoreError.schemaTooNew(found: 99, supported: SQLiteSchema.migrations.count)) {
            try SQLiteUserStore(path: database.path, keys: StoreContract.keys)
        }
    }

    @Test func refusesMoreThanAHundredFailuresInARow() throws {
        let key = ThrottleKey.account(ThrottleSubject(bytes: [1]))
        #expect(throws: SQLiteError.self) {
            try store.replaceThrottleStates([ThrottleChange(key: key, expected: .clear,
                                                            new: ThrottleState(failures: 101, lastFailureAt: 0, lockedUntil: nil))])
        }
    }
}

/// Opening a file of wave 1 (schema version 1) migrates it with every row kept.
struct SQLiteMigrationTests {
    let directory: TemporaryDirectory
    let path: String

    /// A wave-1 file: alice enrolled, with a used recovery code and a lock; bob
    /// with two failures; a deleted third user; a revoked session.
    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("wave1.db")
        let connection = try Connection(path: path, busyTimeoutMilliseconds: 1000)
        try SQLiteSchema.migrations[0](connection, StoreContract.keys)
        try connection.execute("""
            PRAGMA user_version = 1;
            INSERT INTO users (name, password_hash, totp_secret, enrolled_at, last_step, failures, last_failure_at,
                locked_until, session_generation, created_at)
            VALUES ('Alice', '$scrypt$a', x'0102', 1000, 55, 12, 1500, 5100, 3, 900);
            INSERT INTO users (name, password_hash, failures, last_failure_at, created_at) VALUES ('bob', '$scrypt$b', 2, 1400, 950);
            INSERT INTO users (name, password_hash, created_at) VALUES ('carol', '$scrypt$c', 960);
            DELETE FROM users WHERE name = 'carol';
            INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (1, x'aa', NULL), (1, x'bb', 1200);
            INSERT INTO revoked_sessions (session_id, expires_at) VALUES ('s1', 9000);
            """)
    }

    @Test func keepsUsersSecretsCodesAndRevocations() throws {
        let store = try SQLiteUserStore(path: path, keys: StoreContract.keys)
        #expect(try store.schemaVersion == Int64(SQLiteSchema.migrations.count))
        #expect(try store.user(named: "alice") == UserRecord(
            id: 1, name: "Alice", passwordHash: "$scrypt$a", sealedSecret: [1, 2], enrolledAt: 1000, lastStep: 55,
            sessionGeneration: 3, createdAt: 900))
        #expect(try store.unusedRecoveryCodeCount(userID: 1) == 1)
        #expect(try store.consumeRecoveryCode(userID: 1, hash: [0xaa], at: 2000))
        #expect(try store.sessionStatus(userID: 1, sessionID: "s1") == SessionStatus(generation: 3, isRevoked: true, groups: []))
        #expect(try store.insertUser(name: "dave", passwordHash: "x", createdAt: 0) == 4)
    }

    @Test func carriesFailuresAndLocksOverAsTheNamesAccountRows() throws {
        let store = try SQLiteUserStore(path: path, keys: StoreContract.keys)
        let alice = try StoreContract.keys.throttleSubject(of: "alice")
        let bob = try StoreContract.keys.throttleSubject(of: "bob")
        #expect(try store.throttleStates([.account(alice), .account(bob)]) == [
            ThrottleState(failures: 12, lastFailureAt: 1500, lockedUntil: 5100),
            ThrottleState(failures: 2, lastFailureAt: 1400, lockedUntil: nil),
        ])
        let columns = try store.connection.rows("SELECT name FROM pragma_table_info('users')").map { try $0.text(0) }
        #expect(!columns.contains("failures") && !columns.contains("locked_until"))
    }
}

/// `/healthz`'s ping: the file the store opened, still where the path says.
struct SQLitePingTests {
    @Test func aPingFailsWhileTheDatabaseIsMovedAwayAndAnswersOnceItIsBack() throws {
        let database = try SQLiteDatabase()
        let store = try SQLiteUserStore(path: database.path, keys: StoreContract.keys)
        try store.ping(within: .seconds(1))
        #expect(rename(database.path, database.path + ".moved") == 0)
        #expect(throws: StoreError.self) { try store.ping(within: .seconds(1)) }
        #expect(rename(database.path + ".moved", database.path) == 0)
        try store.ping(within: .seconds(1))
    }

    @Test func aNewFileInItsPlaceIsNotTheStore() throws {
        let database = try SQLiteDatabase()
        let store = try SQLiteUserStore(path: database.path, keys: StoreContract.keys)
        #expect(unlink(database.path) == 0)
        _ = try SQLiteUserStore(path: database.path, keys: StoreContract.keys)  // what a CLI command would now create
        #expect(throws: StoreError.self) { try store.ping(within: .seconds(1)) }
    }
}
