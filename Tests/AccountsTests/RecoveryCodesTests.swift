import Testing
@testable import Accounts

struct ReadableCodeTests {
    @Test(arguments: [1, 2, 4])
    func generatesGroupsOfFiveFromTheUnambiguousAlphabet(_ groups: Int) throws {
        let code = try ReadableCode.generate(groups: groups)
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        #expect(parts.count == groups)
        #expect(parts.allSatisfy { $0.count == 5 })
        #expect(code.allSatisfy { "0123456789abcdefghjkmnpqrstvwxyz-".contains($0) })
    }

    @Test(arguments: [
        ("abcde-fghjk", "abcdefghjk"),
        ("ABCDE-FGHJK", "abcdefghjk"),
        (" abcde fghjk ", "abcdefghjk"),
        ("abcdefghjk", "abcdefghjk"),
        ("a-b-c-d-e-f-g-h-j-k", "abcdefghjk"),
        ("oOiIl-LOOOO", "00111-10000".replacing("-", with: "")),
    ])
    func normalisesCaseSpacesHyphensAndLookAlikes(_ typed: String, _ normalised: String) {
        #expect(ReadableCode.normalise(typed, groups: 2) == normalised)
    }

    @Test(arguments: ["", "abcde", "abcde-fghjkm", "abcde-fghju", "abcde_fghjk", "123456", "12345678"])
    func refusesWhatIsNotACode(_ typed: String) {
        #expect(ReadableCode.normalise(typed, groups: 2) == nil)
    }
}

struct RecoveryCodesTests {
    let codes = RecoveryCodes(keys: Fixture.keys)

    @Test func generatesTenDistinctCodesWithTheirHashes() throws {
        let issued = try codes.generate(for: 1)
        #expect(issued.codes.count == 10)
        #expect(Set(issued.codes).count == 10)
        #expect(issued.hashes == (try issued.codes.map { try codes.hash($0, userID: 1) }))
        #expect(issued.hashes.allSatisfy { $0.count == 32 })
    }

    @Test func hashesTheCodeAsTypedTheSameWay() throws {
        #expect(try codes.hash("ABCDE FGHJK", userID: 1) == codes.hash("abcde-fghjk", userID: 1))
    }

    @Test func theHashDependsOnTheUserAndTheKey() throws {
        let other = RecoveryCodes(keys: try AccountKeys(masterKey: [UInt8](repeating: 8, count: 32)))
        #expect(try codes.hash("abcde-fghjk", userID: 1) != codes.hash("abcde-fghjk", userID: 2))
        #expect(try codes.hash("abcde-fghjk", userID: 1) != other.hash("abcde-fghjk", userID: 1))
    }
}
