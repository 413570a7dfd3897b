import Testing
import Web
@testable import App

/// `/password`: changing one's own password from the browser.
struct PasswordPageTests {
    func signedIn(_ app: TestApp) throws -> Browser {
        try app.addUser()
        let browser = Browser(app)
        #expect(try browser.login(code: app.code()).location == "/home")
        return browser
    }

    @Test func showsTheFormToASignedInUserOnly() throws {
        let app = try TestApp()
        #expect(Browser(app).get("/password").location == "/")
        let page = try signedIn(app).get("/password")
        #expect(page.status == .ok)
        for field in ["name=\"password\"", "name=\"new_password\"", "name=\"csrf\"", "autocomplete=\"new-password\""] {
            #expect(page.text.contains(field))
        }
    }

    @Test func aChangeKeepsThisSessionAndEndsTheOthers() throws {
        let app = try TestApp()
        let browser = try signedIn(app)
        let other = Browser(app)
        app.clock.advance(30)
        try other.login(code: app.code())
        let changed = try browser.post("/password", ["password": "correct horse", "new_password": "a much longer passphrase"])
        #expect(changed.location == "/home?done=password")
        let home = browser.get("/home", query: "done=password")
        #expect(home.status == .ok)
        #expect(home.text.contains("Your password was changed"))
        app.outliveTheSessionCache()
        #expect(browser.get("/home").status == .ok)
        #expect(other.get("/home").location == "/")
        // The new password is the one that logs in.
        #expect(try Browser(app).login(password: "a much longer passphrase").location == "/login/code")
        #expect(try Browser(app).login(password: "correct horse").location == "/")
    }

    @Test(arguments: [("wrong horse", "a much longer passphrase", "Your current password was not right."),
                      ("correct horse", "password1", "one of the most common"),
                      ("correct horse", "alice", "8 to 1024 are allowed"),
                      ("correct horse", "ALICE@example", nil)])
    func aRefusalSaysWhyAndChangesNothing(_ current: String, _ new: String, _ message: String?) throws {
        let app = try TestApp()
        let browser = try signedIn(app)
        let answer = try browser.post("/password", ["password": current, "new_password": new])
        guard let message else {
            #expect(answer.location == "/home?done=password")  // not the name, not common: accepted
            return
        }
        #expect(answer.location == "/password")
        #expect(browser.get("/password").text.contains(message))
        #expect(try Browser(app).login(password: "correct horse").location == "/login/code")
    }

    @Test func aForgedFormChangesNothing() throws {
        let app = try TestApp()
        let browser = try signedIn(app)
        let forged = try browser.post("/password", ["password": "correct horse", "new_password": "a much longer passphrase", "csrf": "x"],
                                      includeCSRF: false)
        #expect(forged.status == .forbidden)
        #expect(try Browser(app).login(password: "correct horse").location == "/login/code")
    }
}
