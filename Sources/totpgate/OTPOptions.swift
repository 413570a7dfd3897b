import ArgumentParser
import Crypto
import OTP

extension HashAlgorithm: ExpressibleByArgument {}

/// The secret and TOTP parameters shared by `code` and `uri`.
struct OTPOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The shared secret in base32 (case, spaces, hyphens and = padding are ignored); `ps` shows it to every user: "
            + "prefer --secret-file or --secret-stdin.", valueName: "base32"))
    var secret: String?

    @Option(name: .customLong("secret-file"), help: ArgumentHelp("Read the base32 secret from this file.", valueName: "file"))
    var secretFile: String?

    @Flag(name: .customLong("secret-stdin"), help: "Read the base32 secret from standard input.")
    var secretStandardInput = false

    @Option(help: "The HMAC hash function.")
    var algorithm: HashAlgorithm = .sha1

    @Option(help: "Digits in a code: 6, 7 or 8.")
    var digits: Int = 6

    @Option(help: "Seconds per time step.")
    var period: Int = 30

    var secretSource: SecretSource {
        SecretSource(option: "--secret", value: secret, file: secretFile, standardInput: secretStandardInput)
    }

    func validate() throws {
        guard HOTP.allowedDigits.contains(digits) else { throw ValidationError(OTPError.invalidDigits(digits).description) }
        guard period > 0 else { throw ValidationError(OTPError.invalidPeriod(period).description) }
        try secretSource.validate(required: true)
    }

    /// The secret's bytes, read from where it was given (standard input can be read once only).
    func secretBytes() throws -> [UInt8] {
        // validate() has checked a source was given.
        guard let bytes = try secretSource.bytes() else { throw ValidationError("give the secret") }
        return bytes
    }

    /// The TOTP generator of the secret and parameters (reading the secret).
    func totp() throws -> TOTP {
        try TOTP(secret: secretBytes(), algorithm: algorithm, digits: digits, period: period)
    }
}
