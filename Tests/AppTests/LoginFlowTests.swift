import Accounts
import Testing
import Web
@testable import App

struct LoginFlowTests {
    @Test func oneShotLoginWithCodeGoesHome() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        let response = try browser.login(code: app.code())
        #expect(response.status == .seeOther)
        #expect(response.location == "/home")
        #expect(try browser.session?.stage == .full)
        let home = browser.get("/home")
        #expect(home.status == .ok)
        #expect(home.text.contains("Welcome, alice"))
        #expect(home.text.contains("href=\"/logout\""))
    }

    @Test func twoStepLogin() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        let first = try browser.login()
        #expect(first.location == "/login/code")
        #expect(try browser.session?.stage == .password)
        #expect(browser.get("/home").location == "/")  // not logged in yet
        let page = browser.get("/login/code")
        #expect(page.status == .ok)
        #expect(page.text.contains("autocomplete=\"one-time-code\""))
        let second = try browser.post("/login/code", ["code": app.code()])
        #expect(second.location == "/home")
        #expect(try browser.session?.stage == .full)
    }

    @Test func anEmptyCodeFieldCountsAsNoCode() throws {
        let app = try TestApp()
        try app.addUser()
        #expect(try Browser(app).login(code: "").location == "/login/code")
    }

    @Test func theSessionIDChangesAtEveryStep() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        browser.get("/")
        let anonymous = try #require(try browser.session)
        try browser.post("/login", ["username": "alice", "password": "correct horse"])
        let password = try #require(try browser.session)
        try browser.post("/login/code", ["code": app.code()])
        let full = try #require(try browser.session)
        #expect(Set([anonymous.id, password.id, full.id]).count == 3)
        #expect(Set([anonymous.csrfToken, password.csrfToken, full.csrfToken]).count == 3)
    }

    /// Unknown user, wrong password, wrong code: the same answer, the same message.
    @Test(arguments: [("mallory", "correct horse", nil), ("alice", "wrong horse", nil), ("alice", "correct horse", "wrong"),
                      ("", "", nil), ("alice\u{0}", "correct horse", nil)] as [(String, String, String?)])
    func everyFailureLooksTheSame(_ name: String, _ password: String, _ code: String?) throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        let response = try browser.login(name, password: password, code: code == nil ? nil : try app.wrongCode())
        #expect(response.status == .seeOther)
        #expect(response.location == "/")
        #expect(try browser.session?.stage == .anonymous)
        #expect(browser.get("/").text.contains(Handlers.invalidCredentials))
    }

    /// After a wrong password the name stays filled in, and the password field, beside the message, takes the focus.
    @Test func aWrongPasswordKeepsTheNameAndFocusesThePassword() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        #expect(try browser.login("alice", password: "wrong horse").location == "/")
        let page = browser.get("/").text
        #expect(page.contains("name=\"username\" value=\"alice\""))
        #expect(!page.contains("spellcheck=\"false\" required autofocus"))
        #expect(page.contains("autocomplete=\"current-password\" required autofocus aria-describedby=\"form-error\""))
        #expect(page.contains("<p class=\"alert\" role=\"alert\" id=\"form-error\">\(Handlers.invalidCredentials)</p>"))
        #expect(try browser.session?.stage == .anonymous)
        // The right password then signs in as usual.
        #expect(try browser.post("/login", ["username": "alice", "password": "correct horse"]).location == "/login/code")
    }

    /// Only what could be a name comes back: the cookie stays small, and the page shows nothing strange.
    @Test(arguments: [String(repeating: "a", count: 2000), "a b", "<script>"])
    func aNameThatCannotBeOneIsNotKept(_ name: String) throws {
        let app = try TestApp()
        let browser = Browser(app)
        #expect(try browser.login(name, password: "wrong horse").location == "/")
        #expect(try browser.session?.username == "")
        #expect(browser.get("/").text.contains("name=\"username\" value=\"\""))
    }

    @Test func theCodePageNamesTheAccount() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        try browser.login()
        let page = browser.get("/login/code").text
        #expect(page.contains("Signing in as <strong class=\"account\">alice</strong>."))
        #expect(page.contains("Not alice? <a href=\"/logout\">Cancel and sign out</a>"))
        #expect(page.contains("Ask your administrator to reset two-step verification for alice"))
    }

    @Test func aWrongSecondStepCodeStaysOnTheCodePage() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        try browser.login()
        let response = try browser.post("/login/code", ["code": try app.wrongCode()])
        #expect(response.location == "/login/code")
        let page = browser.get("/login/code")
        // Past the password, the message may say it was the code, and why codes most often fail: the phone's clock.
        #expect(page.text.contains("role=\"alert\" id=\"form-error\">\(Handlers.wrongCode)</p>"))
        #expect(Handlers.wrongCode.contains("phone sets its clock automatically"))
        #expect(page.text.contains("required autofocus aria-invalid=\"true\""))
    }

    @Test func aCodeIsAcceptedOnceAcrossSessions() throws {
        let app = try TestApp()
        try app.addUser()
        let code = try app.code()
        #expect(try Browser(app).login(code: code).location == "/home")
        #expect(try Browser(app).login(code: code).location == "/")  // replay in a new session
        app.clock.advance(30)
        #expect(try Browser(app).login(code: app.code()).location == "/home")
    }

    @Test func recoveryCodesWorkOnce() throws {
        let app = try TestApp()
        let codes = try app.accounts().addUser(name: "bob", password: "correct horse", totpSecret: TestApp.secret, now: app.now)
        #expect(codes.count == 10)
        #expect(try Browser(app).login("bob", code: codes[0]).location == "/home")
        #expect(try Browser(app).login("bob", code: codes[0]).location == "/")
        let browser = Browser(app)
        try browser.login("bob")
        #expect(try browser.post("/login/code", ["code": codes[1].uppercased()]).location == "/home")
    }

    @Test func lockedAfterTenFailuresUntilUnlocked() throws {
        let app = try TestApp()
        try app.addUser()
        for attempt in 1...10 {
            app.clock.advance(1000)  // wait out each growing delay: only the count matters here
            #expect(try Browser(app).login(password: "wrong \(attempt)").location == "/")
        }
        let browser = Browser(app)
        try browser.login(code: app.code())
        #expect(try browser.session?.stage == .anonymous)
        #expect(browser.get("/").text.contains("locked"))
        try app.accounts().unlock(named: "alice")
        #expect(try Browser(app).login(code: app.code()).location == "/home")
    }

    @Test func throttledAttemptsSayWhenToRetry() throws {
        let app = try TestApp()
        try app.addUser()
        for attempt in 1...5 { try Browser(app).login(password: "wrong \(attempt)") }
        let browser = Browser(app)
        try browser.login(code: app.code())  // refused unchecked, though right
        #expect(try browser.session?.stage == .anonymous)
        #expect(browser.get("/").text.contains("Too many attempts, try again in 30 s"))
    }

    @Test(arguments: ["/app/page?x=1", "/"])
    func honoursALocalReturnAddress(_ rd: String) throws {
        let app = try TestApp()
        try app.addUser()
        #expect(try Browser(app).login(code: app.code(), rd: rd).location == rd)
    }

    @Test(arguments: ["//evil.com", "https://evil.com/", "/\\evil.com", "javascript:alert(1)", "http:/evil.com", "/a\r\nx: y"])
    func openRedirectAttemptsLandHome(_ rd: String) throws {
        let app = try TestApp()
        try app.addUser()
        #expect(try Browser(app).login(code: app.code(), rd: rd).location == "/home")
    }

    @Test func theReturnAddressSurvivesTheCodeStep() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        try browser.login(rd: "/wiki/page")
        #expect(try browser.post("/login/code", ["code": app.code()]).location == "/wiki/page")
    }

    @Test func aFailedLoginKeepsTheReturnAddress() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        #expect(try browser.login(password: "nope", rd: "/wiki/page").location == "/")
        #expect(browser.get("/").text.contains("name=\"rd\" value=\"/wiki/page\""))
    }
}
