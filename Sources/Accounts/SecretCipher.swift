import Crypto

/// Seals TOTP secrets for the store with AES-256-GCM, bound to their user:
/// the user id is the associated data, so a sealed secret copied into another
/// user's row fails to open.
struct SecretCipher: Sendable {
    private let key: [UInt8]

    init(keys: AccountKeys) {
        key = keys.secretEncryptionKey
    }

    /// `secret` sealed for `userID`: nonce ‖ ciphertext ‖ tag.
    func seal(_ secret: [UInt8], userID: Int64) throws -> [UInt8] {
        try AESGCM.seal(secret, key: key, associatedData: Self.associatedData(userID))
    }

    /// The secret in `sealed`; throws when it was altered or sealed for another user or key.
    func open(_ sealed: [UInt8], userID: Int64) throws -> [UInt8] {
        try AESGCM.open(sealed, key: key, associatedData: Self.associatedData(userID))
    }

    private static func associatedData(_ userID: Int64) -> [UInt8] {
        Array("totp-secret:\(userID)".utf8)
    }
}
