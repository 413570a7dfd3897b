import Crypto
import Testing
@testable import Accounts

struct PasswordHasherTests {
    let hasher = try! PasswordHasher(parameters: Fixture.cheapScrypt)

    @Test func writesASelfDescribingPHCString() throws {
        let stored = try hasher.hash("correct horse")
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        #expect(fields.count == 5)
        #expect(fields[1] == "scrypt")
        #expect(fields[2] == "ln=4,r=1,p=1")
        #expect(fields[3].count == 22)  // 16 bytes, unpadded base64
        #expect(fields[4].count == 43)  // 32 bytes
        #expect(!fields[3].contains("=") && !fields[4].contains("="))
    }

    @Test func verifiesTheRightPasswordOnly() throws {
        let stored = try hasher.hash("correct horse")
        #expect(try hasher.verify("correct horse", against: stored))
        #expect(try !hasher.verify("correct horsE", against: stored))
        #expect(try !hasher.verify("", against: stored))
    }

    @Test func saltsEveryHash() throws {
        #expect(try hasher.hash("same") != hasher.hash("same"))
    }

    /// Passwords are NFKC-normalised: composed and decomposed accents, and compatibility forms, match.
    @Test(arguments: [("caf\u{E9}", "cafe\u{301}"), ("\u{FB01}sh", "fish"), ("\u{FF21}\u{FF22}", "AB")])
    func normalisesUnicode(_ typed: String, _ stored: String) throws {
        #expect(try hasher.verify(typed, against: hasher.hash(stored)))
    }

    @Test func verifiesWithTheParametersStoredInTheHash() throws {
        let stronger = try PasswordHasher(parameters: Scrypt(n: 32, r: 2, p: 1))
        #expect(try hasher.verify("pw", against: stronger.hash("pw")))
    }

    @Test func asksForARehashWhenTheParametersDiffer() throws {
        #expect(!hasher.needsRehash(try hasher.hash("pw")))
        #expect(hasher.needsRehash(try PasswordHasher(parameters: Scrypt(n: 32, r: 1, p: 1)).hash("pw")))
        #expect(hasher.needsRehash("garbage"))
    }

    @Test func theUnknownUserPathCostsARealVerification() throws {
        // The dummy hash has this hasher's parameters, so verifying against it costs what a real one does.
        #expect(!hasher.needsRehash(hasher.dummyHash))
        try hasher.verifyUnknownUser("anything")
    }

    @Test(arguments: [
        "",
        "$scrypt$ln=4,r=1,p=1$AAAA",
        "$bcrypt$ln=4,r=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=0,r=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$r=1,ln=4,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=4,r=0,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=4,r=1,p=1$!!!$AAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=4,r=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$",
    ])
    func refusesAMalformedHash(_ stored: String) {
        #expect(throws: AccountError.malformedPasswordHash) { try hasher.verify("pw", against: stored) }
    }

    @Test func defaultsToOWASPParameters() throws {
        let hasher = try PasswordHasher()
        let stored = try hasher.hash("correct horse")
        #expect(stored.hasPrefix("$scrypt$ln=15,r=8,p=3$"))
        #expect(try hasher.verify("correct horse", against: stored))
    }
}
