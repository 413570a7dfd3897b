import Testing
import Web
@testable import App

/// `/auth` as nginx's `auth_request` asks it, and the login round trip it starts.
struct AuthGateTests {
    static let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"]

    func loggedIn(_ app: TestApp, basePath: String = "") throws -> Browser {
        try app.addUser()
        let browser = Browser(app, basePath: basePath)
        #expect(try browser.login(code: app.code()).location == basePath + "/home")
        return browser
    }

    /// The subrequest keeps the guarded request's method (and nginx passes no body).
    @Test(arguments: methods)
    func answersEveryMethodAlike(_ method: String) throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        let cookie = browser.cookie.map { "totpgate=\($0)" }
        let full = app.send(HTTPMethod(rawValue: method), "/auth", cookie: cookie, originalURI: "/app/")
        #expect(full.status == .ok)
        #expect(full.headers["X-Auth-User"] == "alice")
        #expect(full.body.isEmpty)
        let anonymous = app.send(HTTPMethod(rawValue: method), "/auth", originalURI: "/app/")
        #expect(anonymous.status == .unauthorized)
        #expect(anonymous.headers["X-Auth-User"] == nil)
        #expect(anonymous.body.isEmpty)
    }

    @Test func otherRoutesStillRefuseOtherMethods() throws {
        let app = try TestApp()
        #expect(app.send(.post, "/home").status == .methodNotAllowed)
        #expect(app.send(HTTPMethod(rawValue: "PUT"), "/login").status == .methodNotAllowed)
    }

    @Test func renewsTheCookieWhateverTheMethod() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        app.clock.advance(25 * 60)
        let renewed = app.send(.post, "/auth", cookie: browser.cookie.map { "totpgate=\($0)" })
        #expect(renewed.status == .ok)
        let value = try #require(Browser.cookieValue(in: renewed))
        app.clock.advance(25 * 60)  // 50 min after login: only the renewed cookie is still within 30 min idle
        #expect(app.get("/auth", cookie: "totpgate=" + value).status == .ok)
        #expect(app.get("/auth", cookie: browser.cookie.map { "totpgate=\($0)" }).status == .unauthorized)
    }

    /// The 401 says where to come back to, encoded for `?rd=`, so the web
    /// server's redirect to the login page needs no encoding of its own.
    @Test(arguments: ["/private/report.pdf", "/app/search?q=a+b&page=2", "/a%20b/%C3%A9?x=%26", "/"])
    func aRefusalCarriesTheGuardedAddressReadyForRd(_ uri: String) throws {
        let app = try TestApp()
        let response = app.send(.get, "/auth", basePath: "/2fa", originalURI: uri)
        let header = try #require(response.headers["X-Auth-Return-To"])
        #expect(!header.contains("&") && !header.contains("?") && !header.contains("+"))
        #expect(try FormFields(decoding: "rd=" + header)["rd"] == uri)
        #expect(app.get("/", query: "rd=" + header).text.contains("name=\"rd\" value=\"\(uri.replacingOccurrences(of: "&", with: "&amp;"))\""))
    }

    @Test(arguments: ["//evil.example/", "/" + String(repeating: "a", count: 2000)])
    func anAddressThatCouldNotBeRdIsLeftOut(_ uri: String) throws {
        let response = try TestApp().send(.get, "/auth", originalURI: uri)
        #expect(response.status == .unauthorized)
        #expect(response.headers["X-Auth-Return-To"] == nil)
    }

    @Test(arguments: [
        ("app.example.com", false, "http://app.example.com/x?y=1"),
        ("APP.example.com", true, "https://app.example.com/x?y=1"),
        ("app.example.com:8443", true, "https://app.example.com:8443/x?y=1"),
        ("other.example.com", true, "/x?y=1"),
        ("app.example.com:9999", true, "/x?y=1"),
    ])
    func theAddressIsAbsoluteForAnAllowedHost(_ host: String, _ https: Bool, _ expected: String) throws {
        let app = try TestApp { $0.allowedRedirectHosts = ["app.example.com", "app.example.com:8443"] }
        let response = app.send(.get, "/auth", headers: ["Host": host], https: https, originalURI: "/x?y=1")
        #expect(try FormFields(decoding: "rd=" + (response.headers["X-Auth-Return-To"] ?? ""))["rd"] == expected)
    }

    @Test func aLoginOnAnotherHostLeadsBackToAnAllowedOneOnly() throws {
        let app = try TestApp {
            $0.allowedRedirectHosts = ["app.example.com"]
            $0.cookieDomain = "example.com"
        }
        try app.addUser()
        let allowed = Browser(app)
        let response = try allowed.login(code: app.code(), rd: "https://app.example.com/report?id=7")
        #expect(response.location == "https://app.example.com/report?id=7")
        #expect(response.headers["Set-Cookie"]?.contains("; Domain=example.com;") == true)
        app.clock.advance(30)
        #expect(try Browser(app).login(code: app.code(), rd: "https://evil.example.com/").location == "/home")
    }

    /// Browsers hold the redirect after a form POST to `form-action` too.
    @Test func theLoginPagesCSPLetsTheFormLeadToAllowedHosts() throws {
        let plain = try TestApp().get("/").headers["Content-Security-Policy"] ?? ""
        #expect(plain.contains("form-action 'self';"))
        let app = try TestApp { $0.allowedRedirectHosts = ["b.example.com", "a.example.com:8443"] }
        let policy = app.get("/").headers["Content-Security-Policy"] ?? ""
        #expect(policy.contains("form-action 'self' a.example.com:8443 b.example.com;"))
    }

    @Test func underAPrefixEveryLinkAndRedirectFollowsTheMount() throws {
        let app = try TestApp()
        let browser = try loggedIn(app, basePath: "/2fa")
        #expect(browser.get("/home").text.contains("href=\"/2fa/logout\""))
        let logout = browser.get("/logout")
        #expect(logout.location == "/2fa/")
        #expect(logout.headers["Set-Cookie"]?.contains("; Path=/;") == true)
        let page = Browser(app, basePath: "/2fa").get("/")
        #expect(page.text.contains("action=\"/2fa/login\""))
        #expect(page.headers["Set-Cookie"]?.contains("; Path=/;") == true)  // the gate needs it on every path
        let retry = Browser(app, basePath: "/2fa")
        #expect(try retry.login(password: "wrong", rd: "/app/").location == "/2fa/")
        #expect(retry.get("/").text.contains("name=\"rd\" value=\"/app/\""))
    }

    @Test func aCookiePathSettingNarrowsTheCookie() throws {
        let app = try TestApp { $0.cookiePath = "/2fa" }
        #expect(app.get("/", basePath: "/2fa").headers["Set-Cookie"]?.contains("; Path=/2fa;") == true)
    }
}
