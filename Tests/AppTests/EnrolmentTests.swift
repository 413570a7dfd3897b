import Accounts
import Encoding
import Foundation
import QRImage
import OTP
import Testing
import Web
@testable import App

struct EnrolmentTests {
    /// Logs a new user without 2FA in; returns the browser at `/enroll`.
    func enrolling(_ app: TestApp) throws -> Browser {
        try app.addUser(enrolled: false)
        let browser = Browser(app)
        #expect(try browser.login().location == "/enroll")
        #expect(try browser.session?.stage == .enrolling)
        return browser
    }

    /// The secret the enrolment page shows for manual entry.
    func shownSecret(_ page: Response) throws -> [UInt8] {
        let text = page.text
        let start = try #require(text.range(of: "<code>"))
        let end = try #require(text.range(of: "</code>", range: start.upperBound..<text.endIndex))
        return try Base32.decode(String(text[start.upperBound..<end.lowerBound]))
    }

    @Test func showsTheQRTheSecretAndTheCodeField() throws {
        let app = try TestApp()
        let browser = try enrolling(app)
        let page = browser.get("/enroll")
        #expect(page.status == .ok)
        #expect(page.headers["Cache-Control"] == "no-store")
        #expect(page.text.contains("<img class=\"qr\" src=\"qr\""))
        #expect(page.text.contains("name=\"code\""))
        #expect(try shownSecret(page).count == 20)
        #expect(page.text.range(of: #"<code>([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>"#, options: .regularExpression) != nil)
        #expect(page.text.contains("<span class=\"issuer\">totpgate</span> <span class=\"account\">alice</span>"))
    }

    @Test func theSecretStaysOutOfTheCookie() throws {
        let app = try TestApp()
        let browser = try enrolling(app)
        let secret = try shownSecret(browser.get("/enroll"))
        let cookie = try #require(browser.cookie)
        #expect(!cookie.contains(Base32.encode(secret)))
        let payload = try #require(Base64URL.decode(cookie.split(separator: ".")[1]))
        #expect(!String(decoding: payload, as: UTF8.self).contains(Base32.encode(secret)))
        #expect(payload.firstRange(of: secret) == nil)
    }

    @Test func theQRImageEncodesThePendingURI() throws {
        let app = try TestApp()
        let browser = try enrolling(app)
        let secret = try shownSecret(browser.get("/enroll"))
        let qr = browser.get("/qr")
        #expect(qr.status == .ok)
        #expect(qr.headers["Content-Type"] == "image/png")
        #expect(qr.headers["Cache-Control"] == "no-store")
        #expect(Array(qr.body.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let session = try #require(try browser.session)
        let uri = try app.accounts().pendingEnrolment(userID: #require(session.userID), ticket: #require(session.enrolment))
        #expect(uri.secret == secret)
        let image = try QRCode(encoding: uri.description).pngData(scale: 6)
        #expect(qr.body == image)
    }

    @Test func confirmingACodeTurnsItOnAndShowsRecoveryCodesOnce() throws {
        let app = try TestApp()
        let browser = try enrolling(app)
        let secret = try shownSecret(browser.get("/enroll"))
        let response = try browser.post("/enroll", ["code": TOTP(secret: secret).code(at: app.now)])
        #expect(response.status == .ok)
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.text.components(separatedBy: "class=\"recovery-code\"").count == 11)
        #expect(response.text.contains("href=\"/home\""))
        #expect(try browser.session?.stage == .full)
        #expect(browser.get("/home").status == .ok)
        #expect(browser.get("/enroll").location == "/home")
        #expect(browser.get("/qr").status == .forbidden)
        // The confirming code was used: it cannot log in again.
        #expect(try Browser(app).login(code: TOTP(secret: secret).code(at: app.now)).location == "/")
        app.clock.advance(30)
        #expect(try Browser(app).login(code: TOTP(secret: secret).code(at: app.now)).location == "/home")
    }

    /// Issue 11, item 8: a user the gate sent with `rd` who enrols lands on
    /// `rd` after the recovery codes page (its "continue" link), as code and
    /// recovery-code logins do; home then links back there too.
    @Test(arguments: ["/app/path?x=1", "https://app.example.com/x?y=1&z=2"])
    func enrolmentContinuesToTheReturnAddress(_ rd: String) throws {
        let app = try TestApp { $0.allowedRedirectHosts = ["app.example.com"] }
        try app.addUser(enrolled: false)
        let browser = Browser(app)
        #expect(try browser.login(rd: rd).location == "/enroll")
        let secret = try shownSecret(browser.get("/enroll"))
        let page = try browser.post("/enroll", ["code": TOTP(secret: secret).code(at: app.now)])
        #expect(page.status == .ok)
        let href = "href=\"\(rd.replacingOccurrences(of: "&", with: "&amp;"))\""
        #expect(page.text.contains("<a class=\"button\" \(href)>I have saved them — continue</a>"), "\(page.text)")
        #expect(browser.get("/home").text.contains("<a class=\"button\" \(href)>Back to where you were</a>"))
    }

    /// A long `rd` (up to the 2,000 bytes allowed) still leads on from the recovery codes page, but the
    /// full session does not carry it on every request: home offers no way back then.
    @Test func aLongReturnAddressLeadsOnButIsNotKeptForHome() throws {
        let app = try TestApp()
        try app.addUser(enrolled: false)
        let browser = Browser(app)
        let rd = "/" + String(repeating: "a/", count: 999) + "x"
        #expect(try browser.login(rd: rd).location == "/enroll")
        let secret = try shownSecret(browser.get("/enroll"))
        let page = try browser.post("/enroll", ["code": TOTP(secret: secret).code(at: app.now)])
        #expect(page.text.contains("<a class=\"button\" href=\"\(rd)\">I have saved them — continue</a>"))
        #expect(try browser.session?.returnTo == nil)
        #expect(!browser.get("/home").text.contains("Back to where you were"))
    }

    @Test func withoutAReturnAddressEnrolmentContinuesHome() throws {
        let app = try TestApp()
        let browser = try enrolling(app)
        let secret = try shownSecret(browser.get("/enroll"))
        let page = try browser.post("/enroll", ["code": TOTP(secret: secret).code(at: app.now)])
        #expect(page.text.contains("<a class=\"button\" href=\"/home\">I have saved them — continue</a>"))
        #expect(!browser.get("/home").text.contains("Back to where you were"))
    }

    @Test func aWrongCodeKeepsEnrolling() throws {
        let app = try TestApp()
        let browser = try enrolling(app)
        _ = browser.get("/enroll")
        let response = try browser.post("/enroll", ["code": "12345x"])
        #expect(response.location == "/enroll")
        #expect(try browser.session?.stage == .enrolling)
        let page = browser.get("/enroll").text
        #expect(page.contains(Handlers.wrongCode))
        #expect(page.contains("autofocus aria-invalid=\"true\""))
    }

    @Test func theQRIsOnlyForTheEnrolmentStep() throws {
        let app = try TestApp()
        try app.addUser()
        let anonymous = Browser(app)
        anonymous.get("/")
        #expect(anonymous.get("/qr").status == .forbidden)
        let full = Browser(app)
        try full.login(code: app.code())
        #expect(full.get("/qr").status == .forbidden)
        let partial = Browser(app)
        app.clock.advance(30)
        try partial.login()
        #expect(partial.get("/qr").status == .forbidden)
    }

    /// Someone else with the password logs in during the victim's enrolment:
    /// each sees a different secret, only the later one can finish, and the
    /// earlier session is sent back to sign in (a 200 page, never a 500).
    @Test func twoEnrollingSessionsNeverShareASecret() throws {
        let app = try TestApp()
        try app.addUser(enrolled: false)
        let first = Browser(app)
        try first.login()
        let firstSecret = try shownSecret(first.get("/enroll"))
        let second = Browser(app)
        try second.login()
        let secondSecret = try shownSecret(second.get("/enroll"))
        #expect(firstSecret != secondSecret)
        #expect(first.get("/enroll").location == "/")
        #expect(first.get("/qr").status == .forbidden)
        #expect(first.get("/").text.contains("replaced by a newer sign-in"))
        let stale = Browser(app)
        try stale.login()
        _ = stale.get("/enroll")
        let victim = Browser(app)
        try victim.login()
        let victimSecret = try shownSecret(victim.get("/enroll"))
        #expect(try stale.post("/enroll", ["code": TOTP(secret: victimSecret).code(at: app.now)]).location == "/")
        #expect(try victim.post("/enroll", ["code": TOTP(secret: victimSecret).code(at: app.now)]).status == .ok)
        _ = secondSecret
    }

    @Test func anOldEnrollingCookieAfterEnrolmentGetsARedirectNotAnError() throws {
        let app = try TestApp()
        let browser = try enrolling(app)
        let old = try #require(browser.cookie)
        let secret = try shownSecret(browser.get("/enroll"))
        #expect(try browser.post("/enroll", ["code": TOTP(secret: secret).code(at: app.now)]).status == .ok)
        let copy = Browser(app)
        copy.cookie = old
        #expect(copy.get("/enroll").location == "/")
        #expect(copy.get("/qr").status == .forbidden)
    }

    @Test(arguments: ["ABCDEFGHIJKLMNOP", "ABCDEF", ""])
    func groupsTheSecretInFours(_ secret: String) {
        let grouped = Handlers.groupsOfFour(secret)
        #expect(grouped.filter { $0 != " " } == secret)
        #expect(grouped.split(separator: " ").allSatisfy { $0.count <= 4 })
    }
}
