import Accounts
import Encoding
import Web

/// The cookie-signing key ring in the data directory: one `id base64url-key`
/// line per key, the signing key first. Kept apart from the key that
/// encrypts TOTP secrets.
public struct SigningKeyFile: Sendable {
    /// Keys kept after a rotation: the new one and two predecessors, so
    /// cookies signed before the last two rotations stop working.
    public static let retainedKeys = 3
    static let fileName = "cookie.keys"

    private let dataDirectory: DataDirectory

    public init(dataDirectory: DataDirectory) {
        self.dataDirectory = dataDirectory
    }

    /// Where the ring lives.
    public var path: String { dataDirectory.path(of: Self.fileName) }

    /// The key ring, created with one new key on first use (by whichever
    /// process gets there first: all of them then read the same ring).
    public func load() throws -> SigningKeyRing {
        try parse(dataDirectory.createSecretFileIfAbsent(named: Self.fileName) {
            try serialize(SigningKeyRing(keys: [SigningKeyRing.Key.generate()]))
        })
    }

    /// Adds a new signing key in front, keeping the most recent older ones
    /// for verification; returns the new ring.
    @discardableResult
    public func rotate() throws -> SigningKeyRing {
        var keys = [try SigningKeyRing.Key.generate()]
        if let existing = try dataDirectory.readSecretFile(named: Self.fileName) {
            keys += try parse(existing).keys
        }
        let ring = try SigningKeyRing(keys: Array(keys.prefix(Self.retainedKeys)))
        try dataDirectory.replaceSecretFile(named: Self.fileName, with: serialize(ring))
        return ring
    }

    private func serialize(_ ring: SigningKeyRing) -> [UInt8] {
        Array(ring.keys.map { "\($0.id) \(Base64URL.encode($0.secret))\n" }.joined().utf8)
    }

    private func parse(_ contents: [UInt8]) throws -> SigningKeyRing {
        let keys = try String(decoding: contents, as: UTF8.self).split(separator: "\n").map { line throws -> SigningKeyRing.Key in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let secret = Base64URL.decode(parts[1]) else { throw SigningKeyFileError.corrupt(path) }
            return try SigningKeyRing.Key(id: String(parts[0]), secret: secret)
        }
        return try SigningKeyRing(keys: keys)
    }
}

/// A cookie key file that cannot be read as a key ring.
public enum SigningKeyFileError: Error, CustomStringConvertible {
    case corrupt(String)

    public var description: String {
        switch self {
        case .corrupt(let path): "\(path) is not a key ring (one `id key` line per key); run `totpgate keygen` after moving it away"
        }
    }
}
