import ArgumentParser
import Encoding
import OTP

struct SecretCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "Print a new random base32 TOTP secret."
    )

    @Option(help: "Bits of randomness: a multiple of 8, at least \(SecretGenerator.minimumBits).")
    var bits: Int = SecretGenerator.defaultBits

    func validate() throws {
        guard bits >= SecretGenerator.minimumBits, bits % 8 == 0, bits <= 1024 else {
            throw ValidationError("--bits must be a multiple of 8 between \(SecretGenerator.minimumBits) and 1024")
        }
    }

    func run() throws {
        print(Base32.encode(try SecretGenerator.generate(bits: bits)))
    }
}
