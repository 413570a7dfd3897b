import Accounts
import Foundation
import Logging
import SharedCounters
import Testing
import Web
@testable import App

struct SessionLifecycleTests {
    func loggedIn(_ app: TestApp) throws -> Browser {
        try app.addUser()
        let browser = Browser(app)
        #expect(try browser.login(code: app.code()).location == "/home")
        return browser
    }

    @Test func authAnswers200WithTheUserForAFullSession() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        let response = browser.get("/auth")
        #expect(response.status == .ok)
        #expect(response.headers["X-Auth-User"] == "alice")
        #expect(response.body.isEmpty)
    }

    @Test func authAnswers401ForPartialAndAnonymousSessions() throws {
        let app = try TestApp()
        try app.addUser()
        let anonymous = Browser(app)
        #expect(anonymous.get("/auth").status == .unauthorized)
        anonymous.get("/")
        #expect(anonymous.get("/auth").status == .unauthorized)
        let partial = Browser(app)
        try partial.login()
        let response = partial.get("/auth")
        #expect(response.status == .unauthorized)
        #expect(response.headers["X-Auth-User"] == nil)
        #expect(response.body.isEmpty)
        #expect(partial.get("/home").location == "/")
    }

    @Test func authRenewsAnIdleExpiringCookie() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        #expect(Browser.cookieValue(in: browser.get("/auth")) == nil)  // just issued
        app.clock.advance(25 * 60)
        let renewed = browser.get("/auth")
        #expect(renewed.status == .ok)
        #expect(Browser.cookieValue(in: renewed) != nil)
        app.clock.advance(25 * 60)  // 50 min since login, 25 since the renewal
        #expect(browser.get("/auth").status == .ok)
    }

    @Test func idleAndAbsoluteExpiry() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        let cookie = browser.cookie
        app.clock.advance(30 * 60)
        #expect(app.get("/auth", cookie: cookie.map { "totpgate=\($0)" }).status == .unauthorized)
        let active = try loggedIn(TestApp())
        for _ in 0..<25 {
            active.app.clock.advance(29 * 60)
            _ = active.get("/auth")
        }
        #expect(active.get("/auth").status == .unauthorized)  // 12 h 5 min after login
    }

    @Test func thePasswordStepExpiresAfterFiveMinutes() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        try browser.login()
        app.clock.advance(5 * 60)
        #expect(browser.get("/login/code").location == "/")
    }

    @Test func aTamperedCookieIsRefused() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        var cookie = Array(try #require(browser.cookie))
        let index = cookie.count / 2
        cookie[index] = cookie[index] == "A" ? "B" : "A"
        #expect(app.get("/auth", cookie: "totpgate=" + String(cookie)).status == .unauthorized)
        #expect(app.get("/home", cookie: "totpgate=" + String(cookie)).location == "/")
    }

    @Test func logoutEndsTheSessionForRealAtOnce() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        let copy = try #require(browser.cookie)
        #expect(browser.get("/auth").status == .ok)  // cached as current
        let response = browser.get("/logout")
        #expect(response.location == "/")
        // The cookie now holds a fresh anonymous session, there only to say "you have signed out".
        let after = try #require(try browser.session)
        #expect(after.stage == .anonymous && after.userID == nil && after.username.isEmpty)
        #expect(after.flash == Handlers.signedOutNotice)
        #expect(browser.get("/").text.contains("<p class=\"notice\" role=\"status\">You have signed out.</p>"))
        #expect(browser.get("/auth").status == .unauthorized)
        #expect(app.get("/auth", cookie: "totpgate=" + copy).status == .unauthorized)
        #expect(app.get("/home", cookie: "totpgate=" + copy).location == "/")
    }

    @Test func postLogoutNeedsTheToken() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        #expect(try browser.post("/logout", [:], includeCSRF: false).status == .forbidden)
        #expect(browser.get("/auth").status == .ok)
        #expect(try browser.post("/logout", [:]).location == "/")
        #expect(browser.get("/auth").status == .unauthorized)
    }

    /// Workers of one host share their count of logouts: a logout in one
    /// voids what the others have cached, within the cache's lifetime.
    @Test func aLogoutInOneWorkerEndsTheSessionInTheOthersAtOnce() throws {
        let counters = try SharedCounters(layout: Application.sharedMetrics.layout)
        let app = try TestApp(counters: counters)
        let other = try Application(settings: app.application.settings, logger: Logger(label: "other"), counters: counters,
                                    clock: app.clock, hashingPool: TestApp.hashingPool).makeWorker()
        let browser = try loggedIn(app)
        var headers = HTTPHeaders()
        headers.add("Cookie", "totpgate=" + (try #require(browser.cookie)))
        let auth = Request(method: .get, path: "/auth", headers: headers)
        #expect(other.respond(to: auth).status == .ok)  // cached as current over there
        browser.get("/logout")
        #expect(other.respond(to: auth).status == .unauthorized)
        #expect(counters.value(of: Application.sharedMetrics.sessionsEnded) == 1)
    }

    /// `user logout NAME` from another process: every session ends within the cache's lifetime (1 s).
    @Test func loggingOutEverywhereReachesWorkersWithinOneSecond() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        #expect(browser.get("/auth").status == .ok)
        try app.accounts().logoutEverywhere(named: "alice")
        #expect(browser.get("/auth").status == .ok)  // the worker's cached answer, for at most a second
        app.clock.advance(SessionRevocations.timeToLive.components.seconds)
        #expect(browser.get("/auth").status == .unauthorized)
        #expect(browser.get("/home").location == "/")
    }

    @Test(arguments: ["password", "reset", "delete"])
    func changingThePasswordResettingTwoFactorOrDeletingTheUserEndsSessions(_ change: String) throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        switch change {
        case "password": try app.accounts().changePassword(named: "alice", to: "a new horse battery")
        case "reset": try app.accounts().resetSecondFactor(named: "alice")
        default: try app.accounts().deleteUser(named: "alice")
        }
        app.outliveTheSessionCache()
        #expect(browser.get("/auth").status == .unauthorized)
    }

    @Test func aLoggedInUserSkipsTheLoginPage() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        #expect(browser.get("/").location == "/home")
    }
}
