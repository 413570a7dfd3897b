import Testing
@testable import Accounts

struct UserNameTests {
    @Test(arguments: ["a", "alice", "Alice.Smith", "bob_99", "carol+test@example.com", "x-y", String(repeating: "n", count: 64)])
    func acceptsNames(_ name: String) {
        #expect(UserName.isValid(name))
    }

    @Test(arguments: ["", String(repeating: "n", count: 65), "al ice", "a:b", "-alice", "caf\u{E9}", "tab\t", "new\nline", "quote\"", "back\\slash", "a/b"])
    func refusesNames(_ name: String) {
        #expect(throws: AccountError.self) { try UserName.validate(name) }
    }
}

struct PasswordRulesTests {
    @Test func refusesAnEmptyPassword() {
        #expect(throws: AccountError.emptyPassword) { try PasswordRules.validate("") }
    }

    @Test(arguments: [("1234567", false), ("12345678", true), ("\u{1F511}\u{1F511}\u{1F511}\u{1F511}\u{1F511}\u{1F511}\u{1F511}\u{1F511}", true),
                      (String(repeating: "p", count: 1024), true), (String(repeating: "p", count: 1025), false)])
    func allowsEightToTenTwentyFourCharacters(_ password: String, _ allowed: Bool) {
        #expect(((try? PasswordRules.validate(password)) != nil) == allowed)
    }

    @Test func generatesAHundredBitPassword() throws {
        let password = try PasswordRules.generate()
        #expect(password.count == 23)  // four groups of five and three hyphens: 20 × 5 bits
        try PasswordRules.validate(password)
        #expect(try PasswordRules.generate() != password)
    }
}
