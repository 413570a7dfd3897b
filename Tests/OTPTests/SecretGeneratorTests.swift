import Encoding
import Testing
@testable import OTP

struct SecretGeneratorTests {
    @Test func defaultsTo160Bits() throws {
        let secret = try SecretGenerator.generate()
        #expect(secret.count == 20)
        #expect(Base32.encode(secret).count == 32)
    }

    @Test func secretsDiffer() throws {
        #expect(try Set((0..<50).map { _ in try SecretGenerator.generate() }).count == 50)
    }

    @Test(arguments: [128, 160, 256, 512])
    func honoursTheRequestedSize(_ bits: Int) throws {
        #expect(try SecretGenerator.generate(bits: bits).count == bits / 8)
    }

    @Test(arguments: [0, 80, 120])
    func refusesSecretsBelowRFC4226Minimum(_ bits: Int) {
        #expect(throws: OTPError.secretTooShort(bits: bits, minimum: 128)) { try SecretGenerator.generate(bits: bits) }
    }

    @Test func refusesPartBytes() {
        #expect(throws: OTPError.secretBitsNotWholeBytes(130)) { try SecretGenerator.generate(bits: 130) }
    }
}
