import Foundation
import Testing
import Web
@testable import App

/// Requests in the FastCGI Authorizer role, as Apache's `mod_authnz_fcgi` and
/// lighttpd's authorizer mode send them: for another site's URL, judged like
/// `/auth` and answered as the specification has the web server act on it.
struct AuthorizerTests {
    static let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PROPFIND"]

    /// `uri` of the protected site, asked about with the jar's cookie.
    func authorize(_ app: TestApp, _ uri: String, cookie: String? = nil, method: HTTPMethod = .get, headers: HTTPHeaders = [:],
                   https: Bool = true, basePath: String = "/2fa") -> Response {
        // Apache and lighttpd send the protected URI; the path below the mount point then matches no page.
        let path = uri.hasPrefix(basePath + "/") ? String(uri.dropFirst(basePath.count)) : ""
        // The test browsers log in over plain HTTP, where the cookie is `totpgate`;
        // the protected site's requests come over HTTPS, where the browser holds it as `__Host-totpgate`.
        let cookie = https ? cookie?.replacingOccurrences(of: "totpgate=", with: SessionCookie.hostPrefix + "totpgate=") : cookie
        return app.send(method, path.split(separator: "?").first.map(String.init) ?? "", cookie: cookie, headers: headers,
                        https: https, basePath: basePath, originalURI: uri, role: .authorizer)
    }

    func loggedIn(_ app: TestApp) throws -> String {
        try app.addUser()
        let browser = Browser(app, basePath: "/2fa")
        #expect(try browser.login(code: app.code()).location == "/2fa/home")
        return "totpgate=" + (browser.cookie ?? "")
    }

    /// The user and groups go to the protected site as `Variable-` headers;
    /// nothing else, since Apache adds every other header of a 200 to the
    /// site's own answer.
    @Test(arguments: methods)
    func aFullSessionMayGoOnAndTheSiteLearnsWho(_ method: String) throws {
        let app = try TestApp()
        let cookie = try loggedIn(app)
        let response = authorize(app, "/private/report.pdf", cookie: cookie, method: HTTPMethod(rawValue: method))
        #expect(response.status == .ok)
        // (A Content-Length, which the transport writes anyway, describes this answer's own empty body.)
        #expect(response.headers.map(\.name).filter { $0 != "Content-Length" }.sorted()
            == ["Variable-REMOTE_USER", "Variable-TOTPGATE_GROUPS"])
        #expect(response.headers["Variable-REMOTE_USER"] == "alice")
        #expect(response.headers["Variable-TOTPGATE_GROUPS"] == "")
        #expect(response.body.isEmpty)
    }

    /// The groups as the store has them, sorted; a change reaches the site
    /// once the session cache has let the old answer go.
    @Test func theSiteLearnsTheUsersGroups() throws {
        let app = try TestApp()
        let cookie = try loggedIn(app)
        _ = try app.accounts().changeGroups(named: "alice", adding: ["wiki", "admins"], removing: [])
        app.outliveTheSessionCache()
        #expect(authorize(app, "/app/", cookie: cookie).headers["Variable-TOTPGATE_GROUPS"] == "admins,wiki")
        _ = try app.accounts().changeGroups(named: "alice", adding: [], removing: ["wiki"])
        app.outliveTheSessionCache()
        #expect(authorize(app, "/app/", cookie: cookie).headers["Variable-TOTPGATE_GROUPS"] == "admins")
    }

    /// Even where a path of the protected site is also one of totpgate's.
    @Test(arguments: ["/", "/home", "/login", "/auth", "/2fa/", "/2fa/home", "/2fa/auth", "/2fa/qr"])
    func noPageOfTheGateAnswersForTheSite(_ uri: String) throws {
        let app = try TestApp()
        for basePath in ["", "/2fa"] {
            let anonymous = authorize(app, uri, basePath: basePath)
            #expect(anonymous.status == .found, "\(uri) under \(basePath)")
            #expect(anonymous.body.isEmpty)
        }
    }

    @Test(arguments: ["/private/report.pdf", "/app/search?q=a+b&page=2", "/a%20b/%C3%A9?x=%26", "/"])
    func aVisitorWithoutSessionGoesToTheLoginPageAndBack(_ uri: String) throws {
        let app = try TestApp()
        let response = authorize(app, uri)
        #expect(response.status == .found)
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["Variable-REMOTE_USER"] == nil)
        let location = try #require(response.headers["Location"])
        #expect(location.hasPrefix("/2fa/?rd="))
        #expect(try FormFields(decoding: String(location.dropFirst("/2fa/?".count)))["rd"] == uri)
        // The login page carries it on, and the login leads back there.
        try app.addUser()
        let browser = Browser(app, basePath: "/2fa")
        #expect(browser.get("/", query: String(location.dropFirst("/2fa/?".count))).text
            .contains("name=\"rd\" value=\"\(uri.replacingOccurrences(of: "&", with: "&amp;"))\""))
        #expect(try browser.login(code: app.code(), rd: uri).location == uri)
        #expect(authorize(app, uri, cookie: "totpgate=" + (browser.cookie ?? "")).status == .ok)
    }

    @Test func aLoginNotFinishedIsNoSession() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app, basePath: "/2fa")
        #expect(try browser.login().location == "/2fa/login/code")
        let response = authorize(app, "/app/", cookie: "totpgate=" + (browser.cookie ?? ""))
        #expect(response.status == .found && response.headers["Location"] == "/2fa/?rd=%2Fapp%2F")
    }

    @Test func aLoggedOutSessionIsNoSessionEvenFromACopyOfTheCookie() throws {
        let app = try TestApp()
        let cookie = try loggedIn(app)
        #expect(authorize(app, "/app/", cookie: cookie).status == .ok)
        #expect(app.send(.get, "/logout", cookie: cookie, headers: ["Sec-Fetch-Site": "same-origin"], basePath: "/2fa").status
            == .seeOther)
        #expect(authorize(app, "/app/", cookie: cookie).status == .found)
    }

    @Test func aSessionEndedElsewhereEndsWithinTheCacheTime() throws {
        let app = try TestApp()
        let cookie = try loggedIn(app)
        #expect(authorize(app, "/app/", cookie: cookie).status == .ok)
        try app.accounts().logoutEverywhere(named: "alice")
        app.outliveTheSessionCache()
        #expect(authorize(app, "/app/", cookie: cookie).status == .found)
    }

    /// Apache passes on the other headers of a 200, so the cookie is renewed
    /// while the protected site is in use (lighttpd drops them).
    @Test func aSessionInUseIsRenewed() throws {
        let app = try TestApp()
        let cookie = try loggedIn(app)
        #expect(authorize(app, "/app/", cookie: cookie).headers["Set-Cookie"] == nil)
        app.clock.advance(25 * 60)
        let renewed = authorize(app, "/app/", cookie: cookie)
        #expect(renewed.status == .ok)
        let value = try #require(Browser.cookieValue(in: renewed))
        app.clock.advance(25 * 60)  // 50 min after login: only the renewed cookie is within the 30 min idle limit
        #expect(authorize(app, "/app/", cookie: "totpgate=" + value).status == .ok)
        #expect(authorize(app, "/app/", cookie: cookie).status == .found)
    }

    /// lighttpd drops the renewed cookie of a 200, so a page the browser
    /// navigates to takes the session through the login page for it once half
    /// its idle time is gone, and back.
    @Test func aSessionPastHalfItsIdleTimeIsRenewedThroughTheLoginPage() throws {
        let app = try TestApp()
        let browser = Browser(app, basePath: "/2fa")
        try app.addUser()
        _ = try browser.login(code: app.code())
        app.clock.advance(16 * 60)
        let cookie = "totpgate=" + (browser.cookie ?? "")
        let detour = authorize(app, "/app/page?x=1", cookie: cookie, headers: ["Sec-Fetch-Mode": "navigate"])
        #expect(detour.status == .found)
        #expect(detour.headers["Location"] == "/2fa/?rd=%2Fapp%2Fpage%3Fx%3D1")
        let back = browser.get("/", query: "rd=%2Fapp%2Fpage%3Fx%3D1")
        #expect(back.status == .seeOther && back.location == "/app/page?x=1")
        let renewed = try #require(Browser.cookieValue(in: back))
        #expect(renewed != cookie.dropFirst("totpgate=".count))
        app.clock.advance(20 * 60)  // 36 min after login: only the renewed cookie still lives
        let again = authorize(app, "/app/page?x=1", cookie: "totpgate=" + renewed, headers: ["Sec-Fetch-Mode": "navigate"])
        #expect(again.status == .found)  // past half its idle time again: the next detour
        #expect(authorize(app, "/app/page?x=1", cookie: "totpgate=" + renewed).status == .ok)
        #expect(authorize(app, "/app/page?x=1", cookie: cookie).status == .found)
    }

    /// Not for a script's request, a form's POST, or a session used lately.
    @Test(arguments: [(HTTPMethod.get, "cors", 16), (.get, nil, 16), (.post, "navigate", 16), (.get, "navigate", 14)]
          as [(HTTPMethod, String?, Int64)])
    func onlyANavigationTakesTheDetour(_ method: HTTPMethod, _ mode: String?, _ minutes: Int64) throws {
        let app = try TestApp()
        let cookie = try loggedIn(app)
        app.clock.advance(minutes * 60)
        let response = authorize(app, "/app/", cookie: cookie, method: method, headers: mode.map { ["Sec-Fetch-Mode": $0] } ?? [:])
        #expect(response.status == .ok)
        #expect(response.headers["Variable-REMOTE_USER"] == "alice")
    }

    /// Whatever a client sends, it cannot name the user: only a verified session does.
    @Test func aClientCannotNameTheUser() throws {
        let app = try TestApp()
        let forged: HTTPHeaders = ["Variable-REMOTE_USER": "admin", "Remote-User": "admin", "X-Auth-User": "admin",
                                   "Authorization": "Basic YWRtaW46YWRtaW4="]
        #expect(authorize(app, "/app/", headers: forged).status == .found)
        let cookie = try loggedIn(app)
        #expect(authorize(app, "/app/", cookie: cookie, headers: forged).headers["Variable-REMOTE_USER"] == "alice")
    }

    @Test(arguments: [
        ("https://auth.example.com/2fa/", "https://auth.example.com/2fa/?rd=https%3A%2F%2Fapp.example.com%2Fx%3Fy%3D1"),
        ("https://auth.example.com/login?from=wiki", "https://auth.example.com/login?from=wiki&rd=https%3A%2F%2Fapp.example.com%2Fx%3Fy%3D1"),
        ("/sso/", "/sso/?rd=https%3A%2F%2Fapp.example.com%2Fx%3Fy%3D1"),
    ])
    func theLoginPageIsTheLoginURLWithAnAbsoluteRdForAnAllowedHost(_ loginURL: String, _ location: String) throws {
        let app = try TestApp {
            $0.loginURL = loginURL
            $0.allowedRedirectHosts = ["app.example.com"]
        }
        let response = authorize(app, "/x?y=1", headers: ["Host": "app.example.com"])
        #expect(response.headers["Location"] == location)
    }

    @Test(arguments: ["//evil.example/", "/" + String(repeating: "a", count: 2000)])
    func anAddressThatCouldNotBeRdIsLeftOut(_ uri: String) throws {
        let response = authorize(try TestApp(), uri)
        #expect(response.status == .found)
        #expect(response.headers["Location"] == "/2fa/")
    }

    /// The same decision as `/auth`, whoever asks.
    @Test func theAnswerMatchesAuthForEverySession() throws {
        let app = try TestApp()
        try app.addUser()
        let half = Browser(app, basePath: "/2fa")
        _ = try half.login()
        let full = Browser(app, basePath: "/2fa")
        _ = try full.login(code: app.code())
        for cookie in [nil, "totpgate=garbage", half.cookie.map { "totpgate=" + $0 }, full.cookie.map { "totpgate=" + $0 }] {
            let auth = app.send(.get, "/auth", cookie: cookie, basePath: "/2fa", originalURI: "/app/")
            let authorizer = authorize(app, "/app/", cookie: cookie)
            #expect([auth.status, authorizer.status] == [.ok, .ok] || [auth.status, authorizer.status] == [.unauthorized, .found])
            #expect(auth.headers["X-Auth-User"] == authorizer.headers["Variable-REMOTE_USER"])
            if let returnTo = auth.headers["X-Auth-Return-To"] {
                #expect(authorizer.headers["Location"] == "/2fa/?rd=" + returnTo)
            }
        }
    }

    /// The access rules decide for the authorizer as for `/auth`: a refusal is
    /// the 403 page, a step-up the login page, which asks only for the code
    /// (`/verify`) and leads back.
    @Test func theAccessRulesDecideForTheAuthorizerToo() throws {
        let app = try TestApp { settings in
            var configuration = Configuration()
            try! configuration.apply(configFile: """
                access = app.example.com/admin/ group:admins fresh=10m
                access = app.example.com/ any
                access = * deny
                """, path: "rules.conf")
            settings.accessRules = configuration.settings.accessRules
            settings.allowedRedirectHosts = ["app.example.com"]
        }
        try app.accounts().addUser(name: "alice", password: "correct horse", totpSecret: TestApp.secret, groups: ["admins"], now: app.now)
        try app.accounts().addUser(name: "bob", password: "correct horse", totpSecret: TestApp.secret, now: app.now)
        let alice = Browser(app, basePath: "/2fa")
        _ = try alice.login("alice", code: app.code())
        let bob = Browser(app, basePath: "/2fa")
        _ = try bob.login("bob", code: app.code())
        let host: HTTPHeaders = ["Host": "app.example.com"]
        func ask(_ browser: Browser, _ uri: String, on headers: HTTPHeaders = host) -> Response {
            authorize(app, uri, cookie: "totpgate=" + (browser.cookie ?? ""), headers: headers)
        }

        #expect(ask(bob, "/wiki/").status == .ok)
        let refused = ask(bob, "/admin/")
        #expect(refused.status == .forbidden)
        #expect(refused.headers["Variable-REMOTE_USER"] == nil)
        #expect(ask(bob, "/", on: ["Host": "other.example.com"]).status == .forbidden)
        #expect(ask(alice, "/admin/").status == .ok)

        app.clock.advance(11 * 60)  // alice's code is now older than fresh=10m
        let stepUp = ask(alice, "/admin/")
        #expect(stepUp.status == .found)
        #expect(stepUp.headers["Variable-REMOTE_USER"] == nil)
        let rd = "https%3A%2F%2Fapp.example.com%2Fadmin%2F"
        #expect(stepUp.headers["Location"] == "/2fa/?rd=" + rd)
        #expect(alice.get("/", query: "rd=" + rd).location == "/2fa/verify?rd=" + rd)
        #expect(alice.get("/verify", query: "rd=" + rd).status == .ok)  // the code form
        #expect(ask(alice, "/wiki/").status == .ok)  // no fresh code needed there
        let wiki = "https%3A%2F%2Fapp.example.com%2Fwiki%2F"
        #expect(alice.get("/", query: "rd=" + wiki).location == "https://app.example.com/wiki/")
    }
}

/// The authorizer's decisions count with `/auth`'s, and its requests are timed under their own label.
struct AuthorizerMetricsTests {
    @Test func decisionsCountWithAuthsAndTimeUnderTheAuthorizerLabel() throws {
        let app = try TestApp()
        let tests = AuthorizerTests()
        let cookie = try tests.loggedIn(app)
        #expect(tests.authorize(app, "/app/", cookie: cookie).status == .ok)
        #expect(tests.authorize(app, "/app/").status == .found)
        #expect(app.get("/auth").status == .unauthorized)
        let page = app.worker.respond(to: Request(path: "/metrics")).text
        #expect(OperationsTests.value(#"totpgate_auth_requests_total{result="allow"}"#, in: page) == "1")
        #expect(OperationsTests.value(#"totpgate_auth_requests_total{result="anonymous"}"#, in: page) == "2")
        #expect(OperationsTests.value(#"totpgate_request_duration_seconds_count{route="authorizer"}"#, in: page) == "2")
        #expect(OperationsTests.value(#"totpgate_request_duration_seconds_count{route="other"}"#, in: page) == "0")
    }
}
