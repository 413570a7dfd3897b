import Testing
@testable import Crypto

struct SecureRandomTests {
    @Test(arguments: [0, 1, 16, 20, 64, 4096])
    func returnsTheRequestedCount(_ count: Int) throws {
        #expect(try SecureRandom.bytes(count: count).count == count)
    }

    @Test func drawsDifferentBytesEachTime() throws {
        let draws = try (0..<100).map { _ in try SecureRandom.bytes(count: 16) }
        #expect(Set(draws).count == 100)
    }

    @Test func refusesNegativeCounts() {
        #expect(throws: CryptoError.self) { try SecureRandom.bytes(count: -1) }
    }
}
