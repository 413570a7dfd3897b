/// Bytes from OpenSSL's cryptographically secure generator.
///
/// A failure of the generator is an error for the caller to report: there is
/// deliberately no weaker fallback.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(count: Int) throws -> [UInt8] {
        guard count >= 0 else { throw CryptoError.invalidParameter("negative byte count \(count)") }
        return try randomBytes(count: count)
    }
}
