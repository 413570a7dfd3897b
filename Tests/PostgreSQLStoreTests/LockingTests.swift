import Accounts
import Foundation
import TestSupport
import Testing
@testable import PostgreSQLStore

/// The row locks that make the store's multi-statement rules atomic, shown
/// by holding one transaction open while another connection acts.
@Suite(.needsPostgreSQL)
struct LockingTests {
    let schema: TestSchema
    let holder: PostgreSQLUserStore
    let contender: PostgreSQLUserStore
    let alice: Int64

    init() throws {
        schema = try TestSchema()
        holder = try schema.store()
        contender = try schema.store()
        alice = try holder.insertUser(name: "alice", passwordHash: "x", createdAt: 1)
    }

    /// Runs `hold` in a transaction on ``holder`` and, while it is open,
    /// `contend` on ``contender`` in a thread of its own; commits once
    /// `contend` has finished or waits for a lock, and returns its result.
    func contend<T: Sendable>(holding hold: () throws -> Void, _ contend: @escaping @Sendable (PostgreSQLUserStore) throws -> T) throws -> T {
        let pid = try #require(contender.serverProcessID)
        let contender = UncheckedBox(contender)
        let finished = DispatchSemaphore(value: 0)
        let result = UncheckedBox<Result<T, any Error>?>(nil)
        let observer = try schema.connection()
        try holder.inTransaction {
            try hold()
            Thread.detachNewThread {
                result.value = Result { try contend(contender.value) }
                finished.signal()
            }
            // Until the contender is done or blocked: which one it is, is what the test checks afterwards.
            while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
                if try observer.rows("SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
                                     Int(pid))[0].integer(0) == 1 {
                    return
                }
            }
            finished.signal()  // for the wait below
        }
        finished.wait()
        return try #require(result.value).get()
    }

    @Test func aDeviceAddedWhileTheGenerationMovesOnDoesNotOutliveIt() throws {
        let device = DeviceRecord(idHash: [UInt8](repeating: 1, count: 32), userID: alice, label: "x", createdAt: 1, lastUsedAt: 1)
        let generation = try contend(holding: { () throws in #expect(try holder.addDevice(device, sessionGeneration: 0)) }) { [alice] store in
            try store.bumpSessionGeneration(userID: alice)
        }
        #expect(generation == 1)
        #expect(try holder.devices(userID: alice) == [])
    }

    @Test func aDeviceAddedUnderAGenerationThatMovedOnMeanwhileIsRefused() throws {
        let device = DeviceRecord(idHash: [UInt8](repeating: 1, count: 32), userID: alice, label: "x", createdAt: 1, lastUsedAt: 1)
        let added = try contend(holding: { _ = try holder.bumpSessionGeneration(userID: alice) }) { store in
            try store.addDevice(device, sessionGeneration: 0)
        }
        #expect(!added)
        #expect(try holder.devices(userID: alice) == [])
    }

    @Test func recoveryCodesReplacedTwiceAtOnceLeaveOnlyTheLaterSet() throws {
        try holder.replaceRecoveryCodes(userID: alice, hashes: [[0]])
        try contend(holding: { try holder.replaceRecoveryCodes(userID: alice, hashes: [[1], [2]]) }) { [alice] store in
            try store.replaceRecoveryCodes(userID: alice, hashes: [[3], [4]])
        }
        #expect(try holder.unusedRecoveryCodeCount(userID: alice) == 2)
        #expect(try holder.consumeRecoveryCode(userID: alice, hash: [3], at: 1))
    }

    @Test func recoveryCodesReplacedDuringAResetAreDeletedByIt() throws {
        _ = try holder.enrol(userID: alice, sealedSecret: [9], replacingPending: nil, lastStep: nil, recoveryCodeHashes: [[0]], at: 1)
        _ = try contend(holding: { try holder.replaceRecoveryCodes(userID: alice, hashes: [[1], [2]]) }) { [alice] store in
            try store.resetSecondFactor(userID: alice)
        }
        #expect(try holder.unusedRecoveryCodeCount(userID: alice) == 0)
    }

    @Test func aThrottleRowInsertedAtOnceByTwoClaimsIsCountedOnce() throws {
        let key = ThrottleKey.address(ClientAddress("192.0.2.1"))
        let counted = ThrottleState(failures: 1, lastFailureAt: 1, lockedUntil: nil)
        let won = try contend(holding: { () throws in
            #expect(try holder.replaceThrottleStates([ThrottleChange(key: key, expected: .clear, new: counted)]))
        }) { store in
            try store.replaceThrottleStates([ThrottleChange(key: key, expected: .clear, new: counted)])
        }
        #expect(!won)
        #expect(try holder.throttleStates([key]) == [counted])
    }
}

/// A value handed to another thread that the test keeps away from while that thread uses it.
final class UncheckedBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
