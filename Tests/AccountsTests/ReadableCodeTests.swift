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
