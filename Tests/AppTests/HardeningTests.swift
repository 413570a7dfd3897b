import Testing
import Web
@testable import App

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
