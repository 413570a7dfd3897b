import ArgumentParser
import Crypto
import Encoding
import OTP

extension HashAlgorithm: ExpressibleByArgument {}

/// The secret and TOTP parameters shared by `code` and `uri`.
struct OTPOptions: ParsableArguments {
    @Option(help: "The shared secret in base32 (case, spaces, hyphens and padding are ignored).")
    var secret: String

    @Option(help: "The HMAC hash function.")
    var algorithm: HashAlgorithm = .sha1

    @Option(help: "Digits in a code: 6, 7 or 8.")
    var digits: Int = 6

    @Option(help: "Seconds per time step.")
    var period: Int = 30

    func validate() throws {
        guard HOTP.allowedDigits.contains(digits) else { throw ValidationError(OTPError.invalidDigits(digits).description) }
        guard period > 0 else { throw ValidationError(OTPError.invalidPeriod(period).description) }
        do {
            guard try !Base32.decode(secret).isEmpty else { throw ValidationError(OTPError.emptySecret.description) }
        } catch let error as Base32.Error {
            throw ValidationError("--secret: \(error)")
        }
    }

    /// The secret's bytes; `validate()` has checked it decodes.
    var secretBytes: [UInt8] {
        get throws { try Base32.decode(secret) }
    }

    var totp: TOTP {
        get throws { try TOTP(secret: secretBytes, algorithm: algorithm, digits: digits, period: period) }
    }
}
