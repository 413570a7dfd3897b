import Accounts
import Synchronization
import Testing
@testable import PostgreSQLStore

/// The process-wide bookkeeping of connection attempts, on a clock the tests move.
struct ConnectAttemptsTests {
    /// A clock that moves only when told.
    final class ManualClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    let clock = ManualClock()
    let attempts: ConnectAttempts
    let target = try! ConnectionString("postgresql://totpgate@db.example.com/totpgate")
    let down = PostgreSQLError(.unavailable, message: "db.example.com: Connection refused")

    init() {
        attempts = ConnectAttempts(retryAfter: .seconds(1), now: { [clock] in clock.now })
    }

    func advance(_ duration: Duration) {
        clock.advance(duration)
    }

    /// Runs one attempt that counts itself into `tried`; its result, or the error it threw.
    func attempt(_ tried: inout Int, failing error: (any Error)? = nil) -> Result<Int, any Error> {
        Result { try attempts.attempt(target) {
            tried += 1
            if let error { throw error }
            return tried
        } }
    }

    @Test func whileTheServerAnswersEveryAttemptConnects() throws {
        var tried = 0
        for _ in 0..<3 { _ = attempt(&tried) }
        #expect(tried == 3)
    }

    @Test func afterAFailureOthersGiveUpWithItUntilTheDelayIsOverThenOneTriesAgain() throws {
        var tried = 0
        _ = attempt(&tried, failing: down)
        #expect(throws: down) { try attempt(&tried).get() }
        advance(.milliseconds(999))
        #expect(throws: down) { try attempt(&tried).get() }
        #expect(tried == 1)
        advance(.milliseconds(1))
        #expect(try attempt(&tried).get() == 2)
        #expect(try attempt(&tried).get() == 3)  // found again: everyone connects
    }

    @Test func whileOneTriesAgainTheOthersGiveUp() throws {
        var tried = 0
        _ = attempt(&tried, failing: down)
        advance(.seconds(1))
        let inner = try attempts.attempt(target) {
            var untried = 0
            return attempt(&untried)  // another store, while this one is still trying
        }
        #expect(throws: down) { try inner.get() }
    }

    @Test func aServerReachedButRefusingForAnotherReasonIsNoOutage() throws {
        var tried = 0
        _ = attempt(&tried, failing: StoreError.schemaTooNew(found: 9, supported: 1))
        #expect(try attempt(&tried).get() == 2)
    }

    @Test func eachServerIsKeptApart() throws {
        var tried = 0
        _ = attempt(&tried, failing: down)
        let other = try ConnectionString("postgresql://totpgate@db2.example.com/totpgate")
        #expect(try attempts.attempt(other) { 7 } == 7)
    }
}
