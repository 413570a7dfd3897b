import Encoding
import Testing
import Web
@testable import App

/// `/auth` with access rules: groups passed on, denials, step-up through `/verify`, and the `/denied` page.
struct AccessGateTests {
    static let rules = """
        access = app.example.com/admin/ group:admins fresh=10m
        access = app.example.com/ any
        access = * deny
        """

    func app() throws -> TestApp {
        try TestApp { settings in
            var configuration = Configuration()
            try! configuration.apply(configFile: Self.rules, path: "rules.conf")
            settings.accessRules = configuration.settings.accessRules
        }
    }

    func signIn(_ app: TestApp, _ name: String = "alice", groups: [String] = []) throws -> Browser {
        try app.accounts().addUser(name: name, password: "correct horse", totpSecret: TestApp.secret, groups: groups, now: app.now)
        let browser = Browser(app, host: "app.example.com")
        #expect(try browser.login(name, code: app.code()).location == "/home")
        return browser
    }

    func auth(_ app: TestApp, _ browser: Browser?, host: String = "app.example.com", uri: String) -> Response {
        app.send(.get, "/auth", cookie: browser?.cookie.map { "totpgate=\($0)" }, headers: ["Host": host], basePath: "/2fa", originalURI: uri)
    }

    @Test func passesTheUserAndTheirGroups() throws {
        let app = try app()
        let browser = try signIn(app, groups: ["staff", "admins"])
        let response = auth(app, browser, uri: "/admin/")
        #expect(response.status == .ok)
        #expect(response.headers["X-Auth-User"] == "alice")
        #expect(response.headers["X-Auth-Groups"] == "admins,staff")
    }

    @Test func sendsNoGroupsHeaderForAUserWithout() throws {
        let app = try app()
        let response = auth(app, try signIn(app), uri: "/")
        #expect(response.status == .ok)
        #expect(response.headers["X-Auth-Groups"] == nil)
    }

    @Test func refusesWhatARuleDenies() throws {
        let app = try app()
        let browser = try signIn(app)
        #expect(auth(app, browser, uri: "/admin/").status == .forbidden)
        #expect(auth(app, browser, host: "other.example.com", uri: "/").status == .forbidden)
        #expect(auth(app, browser, uri: "/admin/").body.isEmpty)
        // Nobody signed in is still a 401: the login comes first.
        #expect(auth(app, nil, host: "other.example.com", uri: "/").status == .unauthorized)
    }

    /// A group change reaches `/auth` once the session cache's answer is old.
    @Test func aNewGroupCountsAfterTheCache() throws {
        let app = try app()
        let browser = try signIn(app)
        #expect(auth(app, browser, uri: "/admin/").status == .forbidden)
        try app.accounts().changeGroups(named: "alice", adding: ["admins"], removing: [])
        app.outliveTheSessionCache()
        #expect(auth(app, browser, uri: "/admin/").status == .ok)
    }

    @Test func anOldCodeAsksForAStepUpThroughVerify() throws {
        let app = try app()
        let browser = try signIn(app, groups: ["admins"])
        app.clock.advance(9 * 60)
        #expect(auth(app, browser, uri: "/admin/").status == .ok)
        app.clock.advance(60)
        let refused = auth(app, browser, uri: "/admin/x?y=1")
        #expect(refused.status == .unauthorized)
        #expect(refused.headers["X-Auth-Step-Up"] == "1")
        let returnTo = try #require(refused.headers["X-Auth-Return-To"])
        #expect(auth(app, browser, uri: "/public").status == .ok)

        // nginx sends the browser to the login page, which hands a signed-in user to /verify.
        let login = browser.get("/", query: "rd=" + returnTo)
        #expect(login.location == "/verify?rd=" + returnTo)
        let page = browser.get("/verify", query: "rd=" + returnTo)
        #expect(page.status == .ok)
        #expect(page.text.contains("name=\"code\""))
        #expect(page.text.contains("name=\"rd\" value=\"/admin/x?y=1\""))

        #expect(try browser.post("/verify", ["code": app.wrongCode(), "rd": "/admin/x?y=1"]).location == "/verify?rd=" + returnTo)
        #expect(browser.get("/verify", query: "rd=" + returnTo).text.contains(Handlers.invalidCredentials))
        app.clock.advance(30)  // a step on from the login's code, which may not be replayed
        #expect(try browser.post("/verify", ["code": app.code(), "rd": "/admin/x?y=1"]).location == "/admin/x?y=1")
        #expect(auth(app, browser, uri: "/admin/x?y=1").status == .ok)
        // Once fresh, /verify goes straight on.
        #expect(browser.get("/verify", query: "rd=" + returnTo).location == "/admin/x?y=1")
    }

    @Test func verifyIsForSignedInSessionsOnly() throws {
        let app = try app()
        let anonymous = Browser(app)
        #expect(anonymous.get("/verify", query: "rd=%2Fadmin%2F").location == "/?rd=%2Fadmin%2F")
        anonymous.get("/")
        #expect(try anonymous.post("/verify", ["code": "123456"]).location == "/")
        // A forged form without the session's token changes nothing.
        let browser = try signIn(app, groups: ["admins"])
        #expect(try browser.post("/verify", ["code": app.code(), "csrf": "x"], includeCSRF: false).status == .forbidden)
    }

    @Test func aWrongStepUpCodeCountsAsAFailure() throws {
        let app = try app()
        let browser = try signIn(app, groups: ["admins"])
        app.clock.advance(600)
        for _ in 1...5 { try browser.post("/verify", ["code": app.wrongCode(), "rd": "/admin/"]) }
        try browser.post("/verify", ["code": app.code(), "rd": "/admin/"])
        #expect(browser.get("/verify", query: "rd=%2Fadmin%2F").text.contains("Too many attempts"))
    }

    @Test func theDeniedPageNamesTheUserAndOffersToSwitch() throws {
        let app = try app()
        let browser = try signIn(app)
        let page = app.send(.get, "/denied", cookie: browser.cookie.map { "totpgate=\($0)" }, headers: ["Host": "app.example.com"],
                            originalURI: "/admin/report")
        #expect(page.status == .forbidden)
        #expect(page.text.contains("<strong>alice</strong>"))
        #expect(page.text.contains("name=\"rd\" value=\"/admin/report\""))
        // Signing out from there leads to the login, which leads back.
        let out = try browser.post("/logout", ["rd": "/admin/report"])
        #expect(out.location == "/?rd=%2Fadmin%2Freport")
        #expect(try browser.session?.stage == .anonymous)  // a fresh session, only saying "you have signed out"
        #expect(Browser(app).get("/denied").text.contains("You are not signed in"))
    }
}
