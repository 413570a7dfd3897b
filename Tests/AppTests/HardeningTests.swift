import Accounts
import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing
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
        #expect(throws: HashingPool.Busy()) { try pool.derive { [2] } }
        release.signal()
        finished.wait()
        #expect(try pool.derive { [3] } == [3])
    }

    @Test func aRefusedLoginIsA503ToTryAgainInASecond() throws {
        let pool = HashingPool(slots: 1, waiting: 0)
        let app = try TestApp(hashingPool: pool)
        try app.addUser()
        pool.shutdown()
        let response = try Browser(app).login(code: app.code())
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers["Retry-After"] == "1")
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
        #expect(throws: HashingPool.Busy()) { try pool.derive { [3] } }
        release.signal()
        release.signal()
        finished.wait()
        #expect(results.withLock { $0.sorted() } == [1, 2])
    }
}

struct HardeningTests {
    @Test func headLogoutChangesNothing() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        try browser.login(code: app.code())
        let cookie = try #require(browser.cookie)
        let head = app.worker.respond(to: Request(method: .head, path: "/logout", headers: ["Cookie": "totpgate=" + cookie]))
        #expect(head.status == .seeOther)
        #expect(head.headers["Set-Cookie"] == nil)
        #expect(browser.get("/auth").status == .ok)
    }

    /// A half-done login accepted from the cache just after "logout everywhere"
    /// must not become a full session under the new generation.
    @Test func aPasswordStepEndedMeanwhileCannotFinish() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        try browser.login()
        #expect(browser.get("/login/code").status == .ok)  // cached as current for up to 1 s
        try app.accounts().logoutEverywhere(named: "alice")
        let response = try browser.post("/login/code", ["code": app.code()])
        #expect(response.location == "/")
        #expect(try browser.session?.stage == .anonymous)
        #expect(browser.get("/").text.contains("Your sign-in was ended"))
    }

    /// `rd` may be 2,000 bytes; the cookie and headers must still fit what
    /// browsers and nginx accept (the codec caps values at 3,500 bytes).
    @Test(arguments: [String(repeating: "a", count: 1999), String(repeating: "a/", count: 999) + "x",
                      String(repeating: "%", count: 1999)])
    func longReturnAddressesKeepTheCookieSmall(_ tail: String) throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        let rd = "/" + tail
        let failed = try browser.login(password: "wrong", rd: rd)
        #expect(failed.location == "/")
        #expect(try #require(failed.headers["Set-Cookie"]).utf8.count < 3700)
        #expect(try browser.login(rd: rd).location == "/login/code")
        let done = try browser.post("/login/code", ["code": app.code()])
        #expect(done.location == rd || done.location == "/home")  // home only when the address could not fit
        if tail.first != "%" { #expect(done.location == rd) }
    }
}

struct DisplayTimeFieldsTests {
    /// The integer date arithmetic agrees with Foundation's Gregorian calendar, leap years and all.
    @Test(arguments: [Int64(0), 59, 86_399, 86_400, 951_782_400, 951_868_799, 1_709_164_800, 1_800_000_000,
                      4_107_542_400, 253_402_300_799, -1, -86_401])
    func agreesWithFoundation(_ time: Int64) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                        from: Date(timeIntervalSince1970: TimeInterval(time)))
        let f = DisplayTime.fields(time)
        #expect([f.year, f.month, f.day, f.hour, f.minute, f.second] == [c.year, c.month, c.day, c.hour, c.minute, c.second])
    }
}
