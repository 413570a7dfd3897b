import Accounts
import Testing
import Web
@testable import App

/// A login refused for want of a hashing slot: a 503 to try again, and no attempt.
struct LoginQueueTests {
    @Test func aBusyLoginIsA503ThatCountsNothing() throws {
        let pool = HashingPool(slots: 1, waiting: 0)
        pool.shutdown()  // refuses every hash from now on
        let busy = try TestApp(hashingPool: pool)
        try busy.addUser()
        let browser = Browser(busy)
        for _ in 0..<12 {
            let response = try browser.login(password: "wrong")
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers["Retry-After"] == "5")
        }
        // Not one of the twelve counted: hashed at last, the right password and code pass at once.
        let outcome = try busy.accounts().login(name: "alice", password: "correct horse", code: busy.code(),
                                                client: ClientAddress("127.0.0.1"), now: busy.now)
        guard case .success = outcome else { Issue.record("refused: \(outcome)"); return }
    }

    @Test func onlyPostsThatHashAPasswordGoToTheLoginLane() throws {
        let app = try TestApp()
        #expect(app.worker.isLogin(Request(method: .post, path: "/login")))
        #expect(app.worker.isLogin(Request(method: .post, path: "/password")))
        for (method, path) in [(HTTPMethod.get, "/login"), (.post, "/login/code"), (.get, "/auth"), (.post, "/logout"),
                               (.get, "/password"), (.post, "/verify")] {
            #expect(!app.worker.isLogin(Request(method: method, path: path)))
        }
    }
}
