import Testing
@testable import Accounts

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
