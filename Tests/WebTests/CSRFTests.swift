import Testing
@testable import Web

struct CSRFTests {
    let session = Session(id: "s", stage: .anonymous, issuedAt: 0, csrfToken: "token-123")

    @Test func acceptsTheSessionTokenAndGivesTheSession() throws {
        #expect(try CSRF.verify(FormFields(["csrf": "token-123"]), session: session) == session)
    }

    @Test(arguments: [nil, "", "token-12", "token-1234", "TOKEN-123"] as [String?])
    func refusesAWrongOrMissingToken(_ token: String?) {
        let form = FormFields(token.map { ["csrf": $0] } ?? [:])
        #expect(throws: HTTPError.self) { try CSRF.verify(form, session: session) }
        do { _ = try CSRF.verify(form, session: session) } catch { #expect(error.status == .forbidden) }
    }

    @Test func refusesWithoutASession() {
        #expect(throws: HTTPError.self) { try CSRF.verify(FormFields(["csrf": "token-123"]), session: nil) }
    }

    @Test func refusesAnEmptySessionToken() {
        let empty = Session(id: "s", stage: .anonymous, issuedAt: 0, csrfToken: "")
        #expect(throws: HTTPError.self) { try CSRF.verify(FormFields(["csrf": ""]), session: empty) }
    }
}
