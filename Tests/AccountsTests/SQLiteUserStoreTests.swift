import Foundation
import Synchronization
import TestSupport
import Testing
@testable import Accounts

struct SQLiteUserStoreTests {
    let temporary: TemporaryDirectory
    let path: String
    let store: SQLiteUserStore

    init() throws {
        temporary = try TemporaryDirectory()
        path = temporary.path("users.db")
        store = try SQLiteUserStore(path: path)
    }

    @Test func storesAndReadsBackAUser() throws {
        let id = try store.insertUser(name: "Alice", passwordHash: "$hash", createdAt: Fixture.now)
        let user = try #require(try store.user(id: id))
        #expect(user == UserRecord(id: id, name: "Alice", passwordHash: "$hash", sealedSecret: nil, sealedPendingSecret: nil,
                                   enrolledAt: nil, lastStep: nil, throttle: .clear, sessionGeneration: 0, createdAt: Fixture.now))
        #expect(try store.user(named: "alice") == user)
        #expect(try store.user(named: "ALICE") == user)
        #expect(try store.user(named: "bob") == nil)
        #expect(try store.user(id: id + 1) == nil)
    }

    @Test(arguments: ["alice", "ALICE", "Alice"])
    func refusesADuplicateNameInAnyCase(_ name: String) throws {
        _ = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        #expect(throws: AccountError.duplicateName(name)) {
            try store.insertUser(name: name, passwordHash: "y", createdAt: Fixture.now)
        }
    }

    @Test func listsUsersByName() throws {
        for name in ["carol", "alice", "bob"] { _ = try store.insertUser(name: name, passwordHash: "x", createdAt: Fixture.now) }
        #expect(try store.allUsers().map(\.name) == ["alice", "bob", "carol"])
    }

    @Test func reopeningKeepsDataAndTheSchemaVersion() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        #expect(try store.schemaVersion == Int64(Schema.migrations.count))
        let reopened = try SQLiteUserStore(path: path)
        #expect(try reopened.user(id: id)?.name == "alice")
        #expect(try reopened.schemaVersion == Int64(Schema.migrations.count))
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        try Connection(path: path, busyTimeoutMilliseconds: 100).execute("PRAGMA user_version = 99")
        #expect(throws: AccountError.schemaTooNew(found: 99, supported: Schema.migrations.count)) {
            try SQLiteUserStore(path: path)
        }
    }

    @Test func neverReusesTheIdOfADeletedUser() throws {
        let first = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        #expect(try store.deleteUser(id: first))
        #expect(try !store.deleteUser(id: first))
        let second = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        #expect(second > first)
    }

    @Test func deletingAUserDeletesTheirRecoveryCodes() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        try store.replaceRecoveryCodes(userID: id, hashes: [[1], [2]])
        #expect(try store.deleteUser(id: id))
        let left = try Connection(path: path, busyTimeoutMilliseconds: 100).rows("SELECT count(*) FROM recovery_codes")
        #expect(try left[0].integer(0) == 0)
    }

    @Test func changesThePasswordHashEndingSessionsOnlyWhenAsked() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "old", createdAt: Fixture.now)
        #expect(try store.setPasswordHash(userID: id, "rehashed", endingSessions: false))
        #expect(try store.user(id: id)?.sessionGeneration == 0)
        #expect(try store.setPasswordHash(userID: id, "new", endingSessions: true))
        #expect(try store.user(id: id)?.passwordHash == "new")
        #expect(try store.user(id: id)?.sessionGeneration == 1)
    }

    @Test func aNewEnrolmentReplacesThePendingSecretAndOnlyTheLatestEnrols() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        #expect(try store.startEnrolment(userID: id, sealed: [2]))
        #expect(try store.startEnrolment(userID: id, sealed: [1]))
        #expect(try !store.enrol(userID: id, sealedSecret: [2], replacingPending: [2], lastStep: 5,
                                 recoveryCodeHashes: [], at: Fixture.now))
        #expect(try store.enrol(userID: id, sealedSecret: [1], replacingPending: [1], lastStep: 5,
                                recoveryCodeHashes: [[9], [8]], at: Fixture.now))
        let user = try #require(try store.user(id: id))
        #expect(user.sealedSecret == [1])
        #expect(user.sealedPendingSecret == nil)
        #expect(user.enrolledAt == Fixture.now)
        #expect(user.lastStep == 5)
        #expect(try store.unusedRecoveryCodeCount(userID: id) == 2)
        #expect(user.sessionGeneration == 1)  // completing an enrolment ended every other session
        #expect(try !store.startEnrolment(userID: id, sealed: [3]))
    }

    @Test func resettingTheSecondFactorClearsItAndEndsSessions() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        _ = try store.enrol(userID: id, sealedSecret: [1], replacingPending: nil, lastStep: 5,
                            recoveryCodeHashes: [[9]], at: Fixture.now)
        #expect(try store.resetSecondFactor(userID: id))
        let user = try #require(try store.user(id: id))
        #expect(!user.isEnrolled)
        #expect(user.enrolledAt == nil)
        #expect(user.lastStep == nil)
        #expect(user.sessionGeneration == 1)
        #expect(try store.unusedRecoveryCodeCount(userID: id) == 0)
    }

    /// Steps submitted in order, and whether each is accepted: only a newer step is.
    @Test(arguments: [
        ([100], [true]),
        ([100, 100], [true, false]),
        ([100, 99], [true, false]),
        ([100, 101], [true, true]),
        ([100, 102, 101], [true, true, false]),
    ])
    func acceptsOnlyANewerStep(_ steps: [Int64], _ accepted: [Bool]) throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        #expect(try steps.map { try store.acceptStep(userID: id, step: $0) } == accepted)
    }

    @Test func ofAHundredConcurrentSubmissionsOfOneStepExactlyOneWins() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        let results = try runConcurrently(100) { [path] in
            try SQLiteUserStore(path: path)
        } body: { store in
            try store.acceptStep(userID: id, step: 56_666_666)
        }
        #expect(results.count == 100)
        #expect(results.filter { $0 }.count == 1)
    }

    @Test func replacesThrottleStateOnlyWhenItIsAsExpected() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        let counted = ThrottleState(failures: 1, lastFailureAt: Fixture.now, lockedUntil: nil)
        #expect(try store.replaceThrottleState(userID: id, expected: .clear, with: counted))
        #expect(try !store.replaceThrottleState(userID: id, expected: .clear, with: counted))
        let locked = ThrottleState(failures: 10, lastFailureAt: Fixture.now, lockedUntil: ThrottlePolicy.indefinitely)
        #expect(try store.replaceThrottleState(userID: id, expected: counted, with: locked))
        #expect(try store.user(id: id)?.throttle == locked)
        #expect(try store.resetThrottleState(userID: id))
        #expect(try store.user(id: id)?.throttle == .clear)
    }

    @Test func theStoreRefusesMoreThanAHundredFailures() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        #expect(throws: SQLiteError.self) {
            try store.replaceThrottleState(userID: id, expected: .clear,
                                           with: ThrottleState(failures: 101, lastFailureAt: Fixture.now, lockedUntil: nil))
        }
    }

    @Test func aRecoveryCodeIsConsumedOnce() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        try store.replaceRecoveryCodes(userID: id, hashes: [[1], [2]])
        #expect(try store.consumeRecoveryCode(userID: id, hash: [1], at: Fixture.now))
        #expect(try !store.consumeRecoveryCode(userID: id, hash: [1], at: Fixture.now))
        #expect(try !store.consumeRecoveryCode(userID: id, hash: [3], at: Fixture.now))
        #expect(try store.unusedRecoveryCodeCount(userID: id) == 1)
        try store.replaceRecoveryCodes(userID: id, hashes: [[4]])
        #expect(try !store.consumeRecoveryCode(userID: id, hash: [2], at: Fixture.now))
        #expect(try store.unusedRecoveryCodeCount(userID: id) == 1)
    }

    @Test func aRecoveryCodeOfOneUserDoesNotWorkForAnother() throws {
        let alice = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        let bob = try store.insertUser(name: "bob", passwordHash: "x", createdAt: Fixture.now)
        try store.replaceRecoveryCodes(userID: alice, hashes: [[1]])
        #expect(try !store.consumeRecoveryCode(userID: bob, hash: [1], at: Fixture.now))
    }

    @Test func reportsTheSessionGenerationAndRevocationInOneQuery() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        #expect(try store.sessionStatus(userID: id, sessionID: "s1") == SessionStatus(generation: 0, isRevoked: false))
        try store.revokeSession(id: "s1", expiresAt: Fixture.now + 60)
        #expect(try store.sessionStatus(userID: id, sessionID: "s1") == SessionStatus(generation: 0, isRevoked: true))
        #expect(try store.sessionStatus(userID: id, sessionID: "s2") == SessionStatus(generation: 0, isRevoked: false))
        #expect(try store.bumpSessionGeneration(userID: id))
        #expect(try store.sessionStatus(userID: id, sessionID: "s2") == SessionStatus(generation: 1, isRevoked: false))
        #expect(try store.sessionStatus(userID: id + 1, sessionID: "s2") == nil)
    }

    @Test func purgesOnlyExpiredRevocations() throws {
        try store.revokeSession(id: "old", expiresAt: Fixture.now - 1)
        try store.revokeSession(id: "edge", expiresAt: Fixture.now)
        try store.revokeSession(id: "live", expiresAt: Fixture.now + 1)
        try store.revokeSession(id: "live", expiresAt: Fixture.now - 100)  // a second revocation never shortens one
        #expect(try store.purgeRevokedSessions(expiredBy: Fixture.now) == 2)
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
        #expect(try store.sessionStatus(userID: id, sessionID: "live")?.isRevoked == true)
        #expect(try store.sessionStatus(userID: id, sessionID: "old")?.isRevoked == false)
    }

    @Test func aFailedTransactionChangesNothing() throws {
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try store.inTransaction {
                _ = try store.insertUser(name: "alice", passwordHash: "x", createdAt: Fixture.now)
                throw Abort()
            }
        }
        #expect(try store.allUsers().isEmpty)
    }
}

/// Runs `body` on `count` threads at once, each with its own `setUp()` value
/// (a store connection), released together once all are set up.
func runConcurrently<Resource, Output: Sendable>(
    _ count: Int, setUp: @escaping @Sendable () throws -> Resource, body: @escaping @Sendable (Resource) throws -> Output
) throws -> [Output] {
    let ready = DispatchSemaphore(value: 0)
    let start = DispatchSemaphore(value: 0)
    let finished = DispatchGroup()
    let results = Mutex<[Result<Output, any Error>]>([])
    for _ in 0..<count {
        finished.enter()
        Thread.detachNewThread {
            let resource = Result { try setUp() }
            ready.signal()
            start.wait()
            let result = resource.flatMap { resource in Result { try body(resource) } }
            results.withLock { $0.append(result) }
            finished.leave()
        }
    }
    for _ in 0..<count { ready.wait() }
    for _ in 0..<count { start.signal() }
    finished.wait()
    return try results.withLock { $0 }.map { try $0.get() }
}
