/// The hash functions HMAC runs over: those RFC 6238 allows for TOTP.
public enum HashAlgorithm: String, Sendable, CaseIterable, Hashable {
    case sha1
    case sha256
    case sha512

    /// Bytes in a digest of this algorithm.
    public var digestSize: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }
}
