import Accounts
import Encoding
import Foundation
import Testing
import Web
@testable import App

struct HomeTests {
    /// alice, enrolled at the test clock's start, logged in `minutes` later.
    func loggedIn(_ app: TestApp, after minutes: Int64 = 0) throws -> Browser {
        try app.addUser()
        app.clock.advance(minutes * 60)
        let browser = Browser(app)
        #expect(try browser.login(code: app.code()).location == "/home")
        return browser
    }

    /// The recovery codes a page shows.
    func shownCodes(_ page: Response) -> [String] {
        page.text.matches(of: /class="recovery-code"><code>([^<]+)<\/code>/).map { String($0.1) }
    }

    /// Home links back to where the user came from (the last `rd`), when there was one short
    /// enough to keep; a 2,000-byte one is carried by the redirect alone.
    @Test(arguments: [("/app/x?y=1", true), ("", false), ("/" + String(repeating: "a/", count: 999) + "x", false)])
    func linksBackToTheLastReturnAddress(_ rd: String, _ linked: Bool) throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        #expect(try browser.login(code: app.code(), rd: rd).location == (rd.isEmpty ? "/home" : rd))
        let home = browser.get("/home").text
        #expect(home.contains("<a class=\"button\" href=\"\(rd)\">Back to where you were</a>") == linked)
        #expect(home.contains("Back to where you were") == linked)
    }

    @Test func saysWhoIsSignedInSinceWhenAndTheSecondFactorState() throws {
        let app = try TestApp()
        let browser = try loggedIn(app, after: 3 * 24 * 60)
        app.clock.advance(5 * 60)
        let home = browser.get("/home")
        #expect(home.status == .ok)
        #expect(home.text.contains("Welcome, alice"))
        // The test clock starts at 1,800,000,000: 15 January 2027, 08:00 UTC.
        #expect(home.text.contains("<time datetime=\"2027-01-18T08:00:00Z\">18 January 2027, 08:00 UTC</time> (5 minutes ago)"))
        #expect(home.text.contains("On since <time datetime=\"2027-01-15T08:00:00Z\">15 January 2027</time>"))
        #expect(home.text.contains("<dt>Recovery codes left</dt><dd>10</dd>"))
        #expect(!home.text.contains("class=\"warning\""))
        for action in ["href=\"/logout\"", "action=\"/logout/everywhere\"", "action=\"/recovery-codes\""] {
            #expect(home.text.contains(action), "\(action)")
        }
    }

    @Test func warnsWhenFewRecoveryCodesAreLeft() throws {
        let app = try TestApp()
        let codes = try app.accounts().addUser(name: "bob", password: "correct horse", totpSecret: TestApp.secret, now: app.now)
        for code in codes.prefix(8) { #expect(try Browser(app).login("bob", code: code).location == "/home") }
        let browser = Browser(app)
        #expect(try browser.login("bob", code: codes[8]).location == "/home")
        let home = browser.get("/home")
        #expect(home.text.contains("<dt>Recovery codes left</dt><dd>1</dd>"))
        #expect(home.text.contains("Only 1 left"))
    }

    @Test func regeneratingShowsNewCodesOnceAndRetiresTheOldOnes() throws {
        let app = try TestApp()
        let old = try app.accounts().addUser(name: "bob", password: "correct horse", totpSecret: TestApp.secret, now: app.now)
        let browser = Browser(app)
        #expect(try browser.login("bob", code: old[0]).location == "/home")
        let page = try browser.post("/recovery-codes", ["code": app.code()])
        #expect(page.status == .ok)
        #expect(page.headers["Cache-Control"] == "no-store")
        #expect(page.text.contains("Your previous recovery codes no longer work."))
        let new = shownCodes(page)
        #expect(new.count == 10 && Set(new).isDisjoint(with: old))
        #expect(browser.get("/home").text.contains("<dt>Recovery codes left</dt><dd>10</dd>"))
        #expect(try Browser(app).login("bob", code: old[1]).location == "/")
        #expect(try Browser(app).login("bob", code: new[0]).location == "/home")
    }

    @Test func aWrongCodeGoesHomeWithTheMessageAndKeepsTheCodes() throws {
        let app = try TestApp()
        let old = try app.accounts().addUser(name: "bob", password: "correct horse", totpSecret: TestApp.secret, now: app.now)
        let browser = Browser(app)
        #expect(try browser.login("bob", code: old[0]).location == "/home")
        // A recovery code must not mint new ones: one stolen code would become ten.
        for code in [try app.wrongCode(), old[1], ""] {
            #expect(try browser.post("/recovery-codes", ["code": code]).location == "/home")
            let home = browser.get("/home")
            #expect(home.text.contains("role=\"alert\" id=\"form-error\">\(Handlers.wrongCode)"))
            #expect(home.text.contains("autofocus aria-invalid=\"true\""))
        }
        #expect(try Browser(app).login("bob", code: old[1]).location == "/home")
    }

    @Test func regeneratingNeedsAFullSession() throws {
        let app = try TestApp()
        try app.addUser()
        let partial = Browser(app)
        try partial.login()
        #expect(try partial.post("/recovery-codes", ["code": app.code()]).location == "/")
        #expect(try app.accounts().listUsers(now: app.now).first?.unusedRecoveryCodes == 10)
        #expect(try partial.post("/login/code", ["code": app.code()]).location == "/home")  // the code was not spent
    }

    @Test func signingOutEverywhereEndsEverySessionAtOnceHere() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        app.clock.advance(30)
        let other = Browser(app)
        #expect(try other.login(code: app.code()).location == "/home")
        let response = try browser.post("/logout/everywhere", [:])
        #expect(response.location == "/")
        #expect(try browser.session?.stage == .anonymous)
        #expect(browser.get("/home").location == "/")
        // Another session may be cached as current in this worker for up to the cache's lifetime.
        app.outliveTheSessionCache()
        #expect(other.get("/auth").status == .unauthorized)
        app.clock.advance(30)
        #expect(try Browser(app).login(code: app.code()).location == "/home")  // a new login works
    }

    @Test func signingOutEverywhereNeedsTheToken() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        #expect(try browser.post("/logout/everywhere", [:], includeCSRF: false).status == .forbidden)
        #expect(browser.get("/home").status == .ok)
    }

    @Test func theDownloadHoldsEveryCodeAsText() throws {
        let app = try TestApp()
        let browser = try loggedIn(app)
        let page = try browser.post("/recovery-codes", ["code": app.code(offset: 30)])
        let link = try #require(page.text.firstMatch(of: /href="data:text\/plain;charset=utf-8,([^"]+)" download="totpgate-recovery-codes-alice.txt"/))
        let text = try PercentEncoding.decode(link.1)
        #expect(text.hasPrefix("totpgate recovery codes for alice\n"))
        #expect(text.split(separator: "\n").suffix(10).map(String.init) == shownCodes(page))
    }
}
