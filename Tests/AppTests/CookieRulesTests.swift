import Encoding
import Testing
import Web
@testable import App

/// The session cookie against planting, cross-site logout, a password step
/// kept alive for ever, extreme times, and return addresses over plain HTTP.
struct CookieRulesTests {
    /// A logged-in browser of `name` (each its own user).
    func loggedIn(_ app: TestApp, _ name: String) throws -> Browser {
        try app.addUser(name)
        let browser = Browser(app)
        #expect(try browser.login(name, code: app.code()).location == "/home")
        return browser
    }

    @Test func aPlantedSessionBesideTheUsersOwnMakesNeitherCount() throws {
        let app = try TestApp()
        let victim = try #require(try loggedIn(app, "alice").cookie)
        app.clock.advance(30)  // the next code, for the next login
        let planted = try #require(try loggedIn(app, "mallory").cookie)
        for cookies in ["totpgate=\(planted); totpgate=\(victim)", "totpgate=\(victim); totpgate=\(planted)"] {
            let auth = app.get("/auth", cookie: cookies)
            #expect(auth.status == .unauthorized)
            #expect(auth.headers["X-Auth-User"] == nil)
            #expect(app.get("/home", cookie: cookies).location == "/")
        }
    }

    @Test func copiesOfOneSessionAndBrokenCookiesBesideItStillCount() throws {
        let app = try TestApp()
        let session = try #require(try loggedIn(app, "alice").cookie)
        for cookies in ["totpgate=\(session); totpgate=\(session)", "totpgate=junk; totpgate=\(session)",
                        "totpgate=\(session); totpgate=\(session.dropLast(2))"] {
            #expect(app.get("/auth", cookie: cookies).headers["X-Auth-User"] == "alice")
        }
    }

    struct Naming: Sendable, CustomTestStringConvertible {
        let label: String
        let https: Bool
        let configure: @Sendable (inout Settings) -> Void
        let name: String
        var testDescription: String { label }
    }

    static let namings: [Naming] = [
        Naming(label: "HTTPS, host-only", https: true, configure: { _ in }, name: "__Host-totpgate"),
        Naming(label: "plain HTTP", https: false, configure: { _ in }, name: "totpgate"),
        Naming(label: "plain HTTP, Secure always", https: false, configure: { $0.cookieSecurity = .always }, name: "__Host-totpgate"),
        Naming(label: "HTTPS, Secure never", https: true, configure: { $0.cookieSecurity = .never }, name: "totpgate"),
        Naming(label: "HTTPS, shared with a domain", https: true, configure: { $0.cookieDomain = "example.com" }, name: "totpgate"),
        Naming(label: "HTTPS, a narrower path", https: true, configure: { $0.cookiePath = "/2fa" }, name: "totpgate"),
        Naming(label: "HTTPS, a name with its own prefix", https: true, configure: { $0.cookieName = "__Host-gate" }, name: "__Host-gate"),
    ]

    /// The name a browser will refuse from any other host, whenever the cookie qualifies for it.
    @Test(arguments: namings)
    func theCookieIsHostPrefixedWheneverItCanBe(_ naming: Naming) throws {
        let app = try TestApp(configure: naming.configure)
        let setCookie = try #require(app.get("/", https: naming.https).headers["Set-Cookie"])
        #expect(setCookie.hasPrefix(naming.name + "="))
        if naming.name.hasPrefix("__Host-") {
            #expect(setCookie.contains("; Secure") && setCookie.contains("Path=/;") && !setCookie.contains("Domain="))
        }
    }

    /// Over HTTPS only the prefixed name is read: a cookie without it may come from anywhere.
    @Test func overHTTPSAnUnprefixedCookieIsNotRead() throws {
        let app = try TestApp()
        try app.addUser()
        let value = try app.signed(Session(id: "s", stage: .full, userID: 1, username: "alice", issuedAt: app.now, csrfToken: "t"))
        #expect(app.get("/auth", cookie: "totpgate=" + value, https: true).status == .unauthorized)
        #expect(app.get("/auth", cookie: "__Host-totpgate=" + value, https: true).headers["X-Auth-User"] == "alice")
        #expect(app.get("/auth", cookie: "totpgate=" + value).headers["X-Auth-User"] == "alice")
    }

    /// What the browser says about where a `GET /logout` came from, and whether it logs out.
    static let logoutOrigins: [(headers: [String: String], logsOut: Bool)] = [
        (["Sec-Fetch-Site": "same-origin"], true),
        (["Sec-Fetch-Site": "none"], true),  // typed or bookmarked
        (["Sec-Fetch-Site": "same-site"], true),  // a protected app on a sibling host
        (["Sec-Fetch-Site": "cross-site"], false),
        (["Sec-Fetch-Site": "cross-site", "Referer": "http://gate.test/home"], false),
        (["Host": "gate.test", "Referer": "http://gate.test/home"], true),
        (["Host": "gate.test", "Origin": "http://gate.test"], true),
        (["Host": "gate.test", "Referer": "http://evil.test/gate.test"], false),
        (["Host": "gate.test", "Referer": "https://gate.test/home"], false),  // another origin: this one is http
        (["Host": "gate.test", "Origin": "null"], false),
        (["Host": "gate.test"], false),  // nothing vouches
        ([:], false),
    ]

    @Test(arguments: logoutOrigins)
    func aGetLogoutOnlyLogsOutWhenTheBrowserVouchesForIt(_ origin: (headers: [String: String], logsOut: Bool)) throws {
        let app = try TestApp()
        let browser = try loggedIn(app, "alice")
        let cookie = try #require(browser.cookie)
        var headers = HTTPHeaders()
        for (name, value) in origin.headers { headers.add(name, value) }
        let response = app.send(.get, "/logout", cookie: "totpgate=" + cookie, headers: headers)
        if origin.logsOut {
            #expect(response.location == "/")
            #expect(app.get("/auth", cookie: "totpgate=" + cookie).status == .unauthorized)
        } else {
            #expect(response.status == .ok)
            #expect(response.headers["Set-Cookie"] == nil)
            #expect(response.text.contains("<form method=\"post\" action=\"/logout\">"))
            #expect(app.get("/auth", cookie: "totpgate=" + cookie).headers["X-Auth-User"] == "alice")
            // The page's button logs out.
            #expect(try browser.post("/logout", [:]).location == "/")
            #expect(app.get("/auth", cookie: "totpgate=" + cookie).status == .unauthorized)
        }
    }

    /// The password step lives 5 minutes from the password, whatever is sent meanwhile.
    @Test(arguments: ["empty code", "password again"])
    func thePasswordStepIsNeverExtended(_ resend: String) throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        #expect(try browser.login().location == "/login/code")
        let began = try #require(try browser.session).issuedAt
        for _ in 0..<4 {
            app.clock.advance(60)
            let response = resend == "empty code"
                ? try browser.post("/login/code", ["code": ""]) : try browser.post("/login", ["username": "alice", "password": "correct horse"])
            #expect(response.location == "/login/code")
            #expect(try browser.session?.issuedAt == began)
        }
        app.clock.advance(61)  // 5 min 1 s after the password
        #expect(browser.get("/login/code").location == "/")
    }

    /// A signed cookie holding times at the ends of Int64 is no session, and never a trap.
    @Test(arguments: [Int64.min, Int64.min + 1, -1, Int64.max, Int64.max - 59])
    func extremeTimesInASignedCookieAreNoSession(_ time: Int64) throws {
        let app = try TestApp()
        try app.addUser()
        for (issuedAt, lastSeen) in [(time, app.now), (app.now, time), (time, time)] {
            let value = try app.signed(Session(id: "s", stage: .full, userID: 1, username: "alice", issuedAt: issuedAt,
                                               lastSeen: lastSeen, csrfToken: "t"))
            #expect(app.get("/auth", cookie: "totpgate=" + value).status == .unauthorized)
            #expect(app.get("/home", cookie: "totpgate=" + value).location == "/")
            #expect(app.send(.get, "/logout", cookie: "totpgate=" + value, headers: ["Sec-Fetch-Site": "same-origin"]).location == "/")
        }
    }

    /// `rd` may lead to an allowed host over plain HTTP only when the login came over plain HTTP.
    @Test(arguments: [(false, "http://app.test/x", "http://app.test/x"), (true, "http://app.test/x", "/home"),
                      (true, "https://app.test/x", "https://app.test/x"), (false, "https://app.test/x", "https://app.test/x")])
    func aReturnAddressOverPlainHTTPNeedsAPlainHTTPLogin(_ https: Bool, _ rd: String, _ landing: String) throws {
        let app = try TestApp { $0.allowedRedirectHosts = ["app.test"] }
        try app.addUser()
        let name = https ? "__Host-totpgate" : "totpgate"
        let page = app.get("/", https: https)
        let anonymous = try #require(page.headers["Set-Cookie"]?.split(separator: ";").first?.dropFirst(name.count + 1))
        let csrf = try #require(try app.session(value: String(anonymous))?.csrfToken)
        let body = "csrf=\(csrf)&username=alice&password=correct%20horse&code=\(try app.code())&rd=" + PercentEncoding.encode(rd)
        let response = app.send(.post, "/login", cookie: "\(name)=\(anonymous)",
                                headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8), https: https)
        #expect(response.location == landing)
    }
}
