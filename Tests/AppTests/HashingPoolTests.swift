import Dispatch
import Foundation
import Glibc
import Synchronization
import Accounts
import Testing
import SharedCounters
import Web
@testable import App

struct HashingPoolTests {
    @Test func runsTheWorkAtLowPriorityAndReturnsItsResult() throws {
        let pool = HashingPool(slots: 1, waiting: 0)
        let niceness = try pool.derive { [UInt8(truncatingIfNeeded: getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))] }
        #expect(niceness == [UInt8(HashingPool.niceness)])
        struct Boom: Error {}
        #expect(throws: Boom.self) { try pool.derive { throw Boom() } }
        #expect(try pool.derive { [7] } == [7])  // the slot came back after the error
    }

    @Test func aHashBeyondTheSlotsAndQueueIsRefused() throws {
        let pool = HashingPool(slots: 1, waiting: 0)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? pool.derive {
                started.signal()
                release.wait()
                return [1]
            }
            finished.signal()
        }
        started.wait()
        #expect(throws: PasswordHashingBusy()) { try pool.derive { [2] } }
        release.signal()
        finished.wait()
        #expect(try pool.derive { [3] } == [3])
    }

    @Test func aRefusedLoginIsA503ToTryAgainInAFewSeconds() throws {
        let pool = HashingPool(slots: 1, waiting: 0)
        let app = try TestApp(hashingPool: pool)
        try app.addUser()
        pool.shutdown()
        let response = try Browser(app).login(code: app.code())
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers["Retry-After"] == "5")
        #expect(response.text.contains("Too many sign-ins at this moment."))
    }

    @Test func aShutDownPoolFinishesWhatItTookAndRefusesMore() throws {
        let pool = HashingPool(slots: 1, waiting: 1)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let results = Mutex<[UInt8]>([])
        let finished = DispatchGroup()
        for value in [UInt8(1), 2] {
            finished.enter()
            Thread.detachNewThread {
                if let result = try? pool.derive({
                    started.signal()
                    release.wait()
                    return [value]
                }) { results.withLock { $0 += result } }
                finished.leave()
            }
        }
        started.wait()  // one hash runs
        while pool.admitted < 2 { sched_yield() }  // the other waits in the queue
        pool.shutdown()
        #expect(throws: PasswordHashingBusy()) { try pool.derive { [3] } }
        release.signal()
        release.signal()
        finished.wait()
        #expect(results.withLock { $0.sorted() } == [1, 2])
    }
}

/// The login queue's figures for `/metrics`: each hash is queued, then started after its wait.
struct HashingPoolQueueTests {
    @Test func everyHashIsQueuedThenStartedOnceAndTheQueueEmpties() throws {
        let counters = try SharedCounters(layout: Application.sharedMetrics.layout)
        let metrics = Metrics(names: Application.sharedMetrics, counters: counters)
        let pool = HashingPool(slots: 1, waiting: 4, observer: metrics.loginQueue)
        for value in [UInt8(1), 2, 3] { #expect(try pool.derive { [value] } == [value]) }
        #expect(counters.value(of: Application.sharedMetrics.loginQueueLength) == 0)
        #expect(counters.snapshot(of: Application.sharedMetrics.loginQueueWait).count == 3)
    }

    @Test func aRefusedHashIsNeitherQueuedNorStarted() throws {
        let counters = try SharedCounters(layout: Application.sharedMetrics.layout)
        let pool = HashingPool(slots: 1, waiting: 0, observer: Metrics(names: Application.sharedMetrics, counters: counters).loginQueue)
        pool.shutdown()
        #expect(throws: PasswordHashingBusy.self) { try pool.derive { [1] } }
        #expect(counters.value(of: Application.sharedMetrics.loginQueueLength) == 0)
        #expect(counters.snapshot(of: Application.sharedMetrics.loginQueueWait).count == 0)
    }
}
