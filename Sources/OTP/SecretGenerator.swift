import Crypto

/// Fresh random TOTP secrets.
public enum SecretGenerator {
    /// Bits below which a secret is refused for enrolment (RFC 4226 R6).
    public static let minimumBits = 128
    /// Bits in a new secret: 160, RFC 4226's recommendation and SHA-1's block-friendly size.
    public static let defaultBits = 160

    /// A random secret of `bits` bits (a multiple of 8, at least ``minimumBits``).
    public static func generate(bits: Int = defaultBits) throws -> [UInt8] {
        guard bits >= minimumBits else { throw OTPError.secretTooShort(bits: bits, minimum: minimumBits) }
        guard bits % 8 == 0 else { throw OTPError.secretBitsNotWholeBytes(bits) }
        return try SecureRandom.bytes(count: bits / 8)
    }
}
