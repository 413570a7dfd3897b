import Testing
import TestSupport
import Web
@testable import App

/// What the pages answer while the store cannot be reached: a real
/// PostgreSQL database of the test's own, cut off (its connections ended,
/// new ones refused) as a database server gone away looks to totpgate.
@Suite(.needsPostgreSQL)
struct StoreOutageTests {
    let database: SandboxDatabase
    let app: TestApp

    init() throws {
        database = try SandboxDatabase()
        let url = database.url
        app = try TestApp { $0.store = .postgreSQL(uri: url) }
        try app.addUser()
    }

    func loggedIn(codeOffset: Int64 = 0) throws -> Browser {
        let browser = Browser(app)
        #expect(try browser.login(code: app.code(offset: codeOffset)).location == "/home")
        return browser
    }

    @Test func theLoginPageRendersAndALoginIsA503ToTryAgainThatChangesNoSession() throws {
        try database.cutOff()
        let browser = Browser(app)
        let page = browser.get("/")
        #expect(page.status == .ok)
        #expect(page.text.contains(#"name="password""#))
        let refused = try browser.login(code: app.code())
        #expect(refused.status == .serviceUnavailable)
        #expect(refused.headers["Retry-After"] == "5")
        #expect(refused.text.contains("Temporarily unavailable"))
        #expect(Browser.cookieValue(in: refused) == nil)
        #expect(browser.get("/").status == .ok)  // the worker carries on
    }

    /// The outage rule of `/auth` (SessionRevocations): a session this worker
    /// checked less than 10 s ago keeps its answer; any other gets 503, which
    /// nginx's `auth_request` turns into a refusal.
    @Test func authKeepsAnAnswerCheckedWithinTheGraceThenFailsClosed() throws {
        let checked = try loggedIn()
        let unchecked = try loggedIn(codeOffset: 30)  // the next step's code: the first one is spent
        #expect(checked.get("/auth").status == .ok)
        try database.cutOff()
        app.outliveTheSessionCache()
        #expect(checked.get("/auth").status == .ok)
        #expect(unchecked.get("/auth").status == .serviceUnavailable)
        app.clock.advance((SessionRevocations.outageGrace - SessionRevocations.timeToLive).components.seconds)
        let refused = checked.get("/auth")
        #expect(refused.status == .serviceUnavailable)
        #expect(refused.headers["X-Auth-User"] == nil)
    }

    /// The FastCGI authorizer decides as `/auth` does; its 503 goes to the
    /// browser (Apache and lighttpd show a non-200 as it is), never the site.
    @Test func theAuthorizerFollowsTheSameRule() throws {
        let checked = try loggedIn()
        let unchecked = try loggedIn(codeOffset: 30)
        let authorize = { (browser: Browser) in
            self.app.send(.get, "", cookie: browser.cookie.map { "totpgate=" + $0 }, originalURI: "/app/", role: .authorizer)
        }
        #expect(authorize(checked).status == .ok)
        try database.cutOff()
        app.outliveTheSessionCache()
        #expect(authorize(checked).headers["Variable-REMOTE_USER"] == "alice")
        #expect(authorize(unchecked).status == .serviceUnavailable)
        app.clock.advance((SessionRevocations.outageGrace - SessionRevocations.timeToLive).components.seconds)
        let refused = authorize(checked)
        #expect(refused.status == .serviceUnavailable)
        #expect(refused.headers["Variable-REMOTE_USER"] == nil)
    }

    @Test func aPageThatNeedsTheStoreIsA503EvenForASessionInItsGrace() throws {
        let browser = try loggedIn()
        #expect(browser.get("/auth").status == .ok)
        try database.cutOff()
        let home = browser.get("/home")
        #expect(home.status == .serviceUnavailable)
        #expect(home.headers["Retry-After"] == "5")
    }
}
