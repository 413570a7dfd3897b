import Testing
import Web
@testable import App

struct LoginPageTests {
    @Test func showsTheFormWithItsFields() throws {
        let app = try TestApp()
        let response = app.get("/")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        for field in ["name=\"username\"", "name=\"password\"", "name=\"csrf\"", "name=\"rd\"", "action=\"/login\"",
                      "autocomplete=\"username\"", "autocomplete=\"current-password\" required>"] {
            #expect(response.text.contains(field), "\(field)")
        }
        #expect(response.text.contains("spellcheck=\"false\" required autofocus>"))  // the name field, empty, has the focus
    }

    @Test func theCSRFFieldHoldsTheCookieSessionsToken() throws {
        let app = try TestApp()
        let response = app.get("/")
        let session = try #require(try app.session(from: response))
        #expect(session.stage == .anonymous)
        #expect(response.text.contains("name=\"csrf\" value=\"\(session.csrfToken)\""))
    }

    @Test func sendsTheSecurityHeaders() throws {
        let response = try TestApp().get("/")
        #expect(response.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
        #expect(response.headers["X-Frame-Options"] == "DENY")
        #expect(response.headers["Referrer-Policy"] == "no-referrer")
    }

    @Test(arguments: [(Settings.CookieSecurity.auto, false, false), (.auto, true, true), (.always, false, true), (.never, true, false)])
    func setsTheCookieFlags(_ security: Settings.CookieSecurity, _ https: Bool, _ secure: Bool) throws {
        let app = try TestApp { $0.cookieSecurity = security }
        let cookie = try #require(app.get("/", https: https).headers["Set-Cookie"])
        #expect(cookie.hasPrefix(secure ? "__Host-totpgate=" : "totpgate="))
        #expect(cookie.contains("; Path=/;"))
        #expect(cookie.contains("; HttpOnly"))
        #expect(cookie.contains("; SameSite=Lax"))
        #expect(cookie.contains("; Secure") == secure)
    }

    @Test func keepsTheTokenOfAValidSession() throws {
        let app = try TestApp()
        let first = app.get("/")
        let token = try #require(try app.session(from: first)).csrfToken
        let cookie = try #require(Browser.cookieValue(in: first))
        let again = app.get("/", cookie: "totpgate=" + cookie)
        #expect(again.text.contains("name=\"csrf\" value=\"\(token)\""))
        #expect(again.headers["Set-Cookie"] == nil)  // nothing changed: no new cookie
    }

    @Test(arguments: ["totpgate=garbage", "totpgate=", "totpgate=a.b.c", "other=1", "totpgate=\u{1}"])
    func aBadCookieIsTreatedAsAbsent(_ cookie: String) throws {
        let app = try TestApp()
        let response = app.get("/", cookie: cookie)
        #expect(response.status == .ok)
        #expect(try app.session(from: response)?.stage == .anonymous)
    }

    @Test(arguments: [("rd=%2Fapp%2Fx%3Fy%3D1", "/app/x?y=1"), ("rd=https%3A%2F%2Fevil.com", ""), ("rd=%2F%2Fevil.com", ""), ("", "")])
    func carriesOnlyLocalReturnAddresses(_ query: String, _ expected: String) throws {
        let response = try TestApp().get("/", query: query)
        #expect(response.text.contains("name=\"rd\" value=\"\(expected)\""))
    }

    @Test func aMalformedQueryIs400() throws {
        #expect(try TestApp().get("/", query: "rd=%").status == .badRequest)
    }

    @Test func followsTheMountPoint() throws {
        let app = try TestApp()
        let response = app.worker.respond(to: Request(path: "/", basePath: "/2fa"))
        #expect(response.text.contains("action=\"/2fa/login\""))
        #expect(response.text.contains("href=\"/2fa/static/totpgate.css\""))
    }

    @Test(arguments: ["/nope", "/login/", "/static/totpgate.css"])
    func unknownPathsAre404Pages(_ path: String) throws {
        let response = try TestApp().get(path)
        #expect(response.status == .notFound)
        #expect(response.text.contains("<html"))
    }
}
