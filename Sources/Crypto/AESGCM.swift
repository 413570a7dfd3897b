/// AES-256-GCM authenticated encryption, sealed into one self-contained box:
/// `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`.
public enum AESGCM {
    /// Bytes in a key.
    public static let keySize = 32
    static let nonceSize = 12
    static let tagSize = 16

    /// Encrypts `plaintext` under `key` with a fresh random nonce, binding `associatedData`.
    public static func seal(
        _ plaintext: some Collection<UInt8>, key: [UInt8], associatedData: some Collection<UInt8> = [UInt8]()
    ) throws -> [UInt8] {
        try checkKey(key)
        let nonce = try SecureRandom.bytes(count: nonceSize)
        let sealed = try aes256GCMSeal(
            key: key, nonce: nonce, plaintext: Array(plaintext), associatedData: Array(associatedData))
        return nonce + sealed.ciphertext + sealed.tag
    }

    /// Decrypts a box made by ``seal(_:key:associatedData:)``; throws
    /// ``CryptoError/invalidParameter(_:)`` when it was altered, or was sealed
    /// under another key or other associated data.
    public static func open(
        _ box: some Collection<UInt8>, key: [UInt8], associatedData: some Collection<UInt8> = [UInt8]()
    ) throws -> [UInt8] {
        try checkKey(key)
        let box = Array(box)
        guard box.count >= nonceSize + tagSize else { throw CryptoError.invalidParameter("sealed box too short") }
        let plaintext = try aes256GCMOpen(
            key: key,
            nonce: Array(box[..<nonceSize]),
            ciphertext: Array(box[nonceSize..<(box.count - tagSize)]),
            tag: Array(box[(box.count - tagSize)...]),
            associatedData: Array(associatedData))
        guard let plaintext else { throw CryptoError.invalidParameter("sealed box failed authentication") }
        return plaintext
    }

    private static func checkKey(_ key: [UInt8]) throws {
        guard key.count == keySize else { throw CryptoError.invalidParameter("AES-256 needs a \(keySize)-byte key, not \(key.count)") }
    }
}
