import Testing
import Web
@testable import App

struct CSRFProtectionTests {
    @Test(arguments: ["/login", "/login/code", "/enroll", "/logout", "/logout/everywhere", "/recovery-codes"])
    func aPostWithoutTheTokenIs403AndChangesNothing(_ path: String) throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        browser.get("/")
        let before = browser.cookie
        let response = try browser.post(path, ["username": "alice", "password": "correct horse", "code": app.code()], includeCSRF: false)
        #expect(response.status == .forbidden)
        #expect(browser.cookie == before)
        #expect(try app.accounts().listUsers(now: app.now).first?.failures == 0)
    }

    @Test func aTokenFromAnotherSessionIs403() throws {
        let app = try TestApp()
        try app.addUser()
        let other = Browser(app)
        other.get("/")
        let stolen = try #require(try other.session?.csrfToken)
        let browser = Browser(app)
        browser.get("/")
        #expect(try browser.post("/login", ["username": "alice", "password": "correct horse", "csrf": stolen]).status == .forbidden)
    }
}
