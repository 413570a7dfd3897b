import Crypto
import Encoding

/// The cookie-signing keys: the current one signs, every one verifies, so a
/// rotation does not log anybody out.
public struct SigningKeyRing: Sendable, Equatable {
    /// Why a key or ring was refused.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalidKeyID(String)
        case keyTooShort(bytes: Int)
        case empty
        case duplicateKeyID(String)

        public var description: String {
            switch self {
            case .invalidKeyID(let id): "signing key id \(id.debugDescription) is not 1-16 ASCII letters or digits"
            case .keyTooShort(let bytes): "a signing key needs at least 32 bytes, not \(bytes)"
            case .empty: "a key ring needs at least one key"
            case .duplicateKeyID(let id): "signing key id \(id) appears twice"
            }
        }
    }

    /// One HMAC-SHA256 key and the id that names it inside cookies.
    public struct Key: Sendable, Equatable {
        public let id: String
        public let secret: [UInt8]
        /// HMAC-SHA256 under ``secret``, its keyed contexts shared by every thread: a cookie's MAC needs no key schedule.
        public let mac: SharedHMAC

        /// A key; the id is a short token of letters and digits.
        public init(id: String, secret: [UInt8]) throws(SigningKeyRing.Error) {
            guard !id.isEmpty, id.utf8.count <= 16, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw .invalidKeyID(id)
            }
            guard secret.count >= 32 else { throw .keyTooShort(bytes: secret.count) }
            self.id = id
            self.secret = secret
            mac = SharedHMAC(algorithm: .sha256, key: secret)
        }

        /// Keys are equal when their ids and secrets are.
        public static func == (a: Key, b: Key) -> Bool {
            a.id == b.id && a.secret == b.secret
        }

        /// A new random 256-bit key with a random id.
        public static func generate() throws -> Key {
            try Key(id: Base32.encode(SecureRandom.bytes(count: 5)), secret: SecureRandom.bytes(count: 32))
        }
    }

    /// The signing key, followed by older keys still accepted.
    public let keys: [Key]

    /// A ring whose first key signs; ids must be distinct.
    public init(keys: [Key]) throws(SigningKeyRing.Error) {
        guard !keys.isEmpty else { throw .empty }
        var seen = Set<String>()
        for key in keys where !seen.insert(key.id).inserted { throw .duplicateKeyID(key.id) }
        self.keys = keys
    }

    public var current: Key { keys[0] }

    /// The key named `id`, or nil.
    public func key(id: some StringProtocol) -> Key? {
        keys.first { $0.id == id }
    }
}
