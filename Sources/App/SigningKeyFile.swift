import Foundation
import Web

/// The cookie-signing key ring in the data directory: one `id base64url-key`
/// line per key, the signing key first. Kept apart from the key that
/// encrypts TOTP secrets.
public struct SigningKeyFile: Sendable {
    /// Keys kept after a rotation: the new one and two predecessors, so
    /// cookies signed before the last two rotations stop working.
    public static let retainedKeys = 3

    public let path: String

    public init(dataDirectory: DataDirectory) {
        path = dataDirectory.path(of: "cookie.keys")
        self.dataDirectory = dataDirectory
    }

    private let dataDirectory: DataDirectory

    /// The key ring, created with one new key on first use.
    public func load() throws -> SigningKeyRing {
        if let text = try dataDirectory.readIfPresent("cookie.keys") {
            return try parse(text)
        }
        let ring = try SigningKeyRing(keys: [SigningKeyRing.Key.generate()])
        try save(ring)
        return ring
    }

    /// Adds a new signing key in front, keeping the most recent older ones
    /// for verification; returns the new ring.
    @discardableResult
    public func rotate() throws -> SigningKeyRing {
        var keys = [try SigningKeyRing.Key.generate()]
        if let text = try dataDirectory.readIfPresent("cookie.keys") {
            keys += try parse(text).keys
        }
        let ring = try SigningKeyRing(keys: Array(keys.prefix(Self.retainedKeys)))
        try save(ring)
        return ring
    }

    private func save(_ ring: SigningKeyRing) throws {
        let text = ring.keys.map { "\($0.id) \(Base64URL.encode($0.secret))" }.joined(separator: "\n") + "\n"
        try dataDirectory.writeAtomically("cookie.keys", contents: text)
    }

    private func parse(_ text: String) throws -> SigningKeyRing {
        let keys = try text.split(separator: "\n").map { line throws -> SigningKeyRing.Key in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let secret = Base64URL.decode(parts[1]) else {
                throw DataDirectory.Error.corrupt(path)
            }
            return try SigningKeyRing.Key(id: String(parts[0]), secret: secret)
        }
        return try SigningKeyRing(keys: keys)
    }
}
