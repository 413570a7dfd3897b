import Accounts
import Testing
import Web
@testable import App

/// "Remember this device": the checkbox, the cookie, the password-only login it allows, and what ends it.
struct RememberDeviceTests {
    static let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

    /// A browser that signed alice in through the code step, ticking the box.
    func remembered(_ app: TestApp) throws -> Browser {
        try app.addUser()
        let browser = Browser(app)
        browser.userAgent = Self.firefox
        #expect(try browser.login().location == "/login/code")
        #expect(browser.get("/login/code").text.contains("name=\"remember\" type=\"checkbox\" value=\"1\""))
        let done = try browser.post("/login/code", ["code": app.code(), "remember": "1"])
        #expect(done.location == "/home")
        let cookie = try #require(done.headers.values("Set-Cookie").first { $0.hasPrefix("totpgate-device=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Max-Age=2592000"))
        return browser
    }

    /// Signs out and in again with the password alone; the location it leads to.
    func passwordOnlyLogin(_ browser: Browser) throws -> String? {
        browser.get("/logout")
        return try browser.login().location
    }

    @Test func aRememberedBrowserSignsInWithThePasswordAloneAfterALogout() throws {
        let app = try TestApp()
        let browser = try remembered(app)
        app.clock.advance(3600)
        #expect(try passwordOnlyLogin(browser) == "/home")
        #expect(try browser.session?.stage == .full)
        // But the device is no fresh code.
        #expect(try browser.session?.codeEnteredAt == nil)
        // Another browser still needs the code, and a wrong password is still wrong.
        #expect(try Browser(app).login().location == "/login/code")
        browser.get("/logout")
        #expect(try browser.login(password: "wrong horse").location == "/")
    }

    @Test func withoutTheBoxNothingIsRemembered() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        try browser.login()
        let done = try browser.post("/login/code", ["code": app.code()])
        #expect(!done.headers.values("Set-Cookie").contains { $0.hasPrefix("totpgate-device=") })
        #expect(try passwordOnlyLogin(browser) == "/login/code")
    }

    @Test func theOneShotLoginMayRememberToo() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        browser.get("/")
        try browser.post("/login", ["username": "alice", "password": "correct horse", "code": app.code(), "remember": "1"])
        #expect(browser.otherCookies["totpgate-device"] != nil)
        #expect(try passwordOnlyLogin(browser) == "/home")
    }

    @Test func turnedOffThereIsNoBoxAndNoCookie() throws {
        let app = try TestApp { $0.accounts.rememberDevice = 0 }
        try app.addUser()
        let browser = Browser(app)
        try browser.login()
        #expect(!browser.get("/login/code").text.contains("remember"))
        try browser.post("/login/code", ["code": app.code(), "remember": "1"])
        #expect(browser.otherCookies.isEmpty)
        #expect(!browser.get("/home").text.contains("Remembered devices"))
    }

    @Test func theHomePageListsAndForgetsDevices() throws {
        let app = try TestApp()
        let browser = try remembered(app)
        let home = browser.get("/home")
        #expect(home.text.contains("Firefox on Linux <strong>(this browser)</strong>"))
        let handle = try #require(try app.accounts().devices(userID: 1).first?.handle)
        #expect(home.text.contains("name=\"device\" value=\"\(handle)\""))
        let forgot = try browser.post("/devices/forget", ["device": handle])
        #expect(forgot.location == "/home?done=forgotten")
        #expect(browser.otherCookies["totpgate-device"] == nil)
        #expect(try app.accounts().devices(userID: 1).isEmpty)
        #expect(browser.get("/home", query: "done=forgotten").text.contains("That device was forgotten"))
    }

    @Test func aForgedForgetChangesNothing() throws {
        let app = try TestApp()
        let browser = try remembered(app)
        let handle = try #require(try app.accounts().devices(userID: 1).first?.handle)
        #expect(try browser.post("/devices/forget", ["device": handle, "csrf": "x"], includeCSRF: false).status == .forbidden)
        #expect(try app.accounts().devices(userID: 1).count == 1)
    }

    /// Each way a device ends (DESIGN.md): the browser needs the code again.
    @Test(arguments: ["user logout", "reset-2fa", "log out everywhere", "password change", "forget"])
    func endsWith(_ ending: String) throws {
        let app = try TestApp()
        let browser = try remembered(app)
        let oldCookie = try #require(browser.otherCookies["totpgate-device"])
        var password = "correct horse"
        switch ending {
        case "user logout": try app.accounts().logoutEverywhere(named: "alice")
        case "reset-2fa": try app.accounts().resetSecondFactor(named: "alice")
        case "log out everywhere": try browser.post("/logout/everywhere", [:])
        case "password change":
            password = "a much longer passphrase"
            try browser.post("/password", ["password": "correct horse", "new_password": password])
        default:
            try browser.post("/devices/forget", ["device": try #require(try app.accounts().devices(userID: 1).first?.handle)])
        }
        app.outliveTheSessionCache()
        browser.get("/logout")
        let expected = ending == "reset-2fa" ? "/enroll" : "/login/code"
        // The old cookie, even if the browser kept it, no longer stands in for the code.
        browser.otherCookies["totpgate-device"] = oldCookie
        #expect(try browser.login(password: password).location == expected)
    }

    @Test func anotherUsersDeviceCookieDoesNotCount() throws {
        let app = try TestApp()
        let browser = try remembered(app)
        try app.addUser("bob")
        browser.get("/logout")
        #expect(try browser.login("bob").location == "/login/code")
    }

    @Test func aTamperedCookieDoesNotCount() throws {
        let app = try TestApp()
        let browser = try remembered(app)
        let value = try #require(browser.otherCookies["totpgate-device"])
        browser.otherCookies["totpgate-device"] = String(value.dropLast()) + (value.hasSuffix("A") ? "B" : "A")
        #expect(try passwordOnlyLogin(browser) == "/login/code")
    }

    @Test(arguments: [(Self.firefox, "Firefox on Linux"),
                      ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", "Safari on iOS"),
                      ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0", "Edge on Windows"),
                      ("curl/8.5.0", "curl"), ("", "unknown browser")])
    func namesTheBrowser(_ userAgent: String, _ name: String) {
        #expect(BrowserName.describe(userAgent) == name)
    }
}
