import Crypto

/// The keys of the account store, derived from one master key kept in the
/// data directory as `secrets.key` (32 random bytes, mode 0600) — apart from
/// the cookie-signing keys, so that leaking one does not leak the other.
///
/// Each purpose gets its own key, HMAC-SHA256(master, label), so no key is
/// ever used for two algorithms.
public struct AccountKeys: Sendable {
    /// The master key's file name in the data directory.
    public static let fileName = "secrets.key"
    /// Bytes in the master key.
    public static let masterKeySize = 32

    /// The AES-256-GCM key sealing TOTP secrets.
    let secretEncryptionKey: [UInt8]
    /// The HMAC-SHA256 key hashing recovery codes.
    let recoveryCodeKey: [UInt8]
    /// The HMAC-SHA256 key turning submitted names into throttle subjects.
    let throttleSubjectKey: [UInt8]
    /// The HMAC-SHA256 key hashing remembered devices' ids.
    let deviceIDKey: [UInt8]

    /// Keys derived from `masterKey`.
    public init(masterKey: [UInt8]) throws {
        guard masterKey.count == Self.masterKeySize else {
            throw CryptoError.invalidParameter("the master key needs \(Self.masterKeySize) bytes, not \(masterKey.count)")
        }
        let master = try HMAC(algorithm: .sha256, key: masterKey)
        secretEncryptionKey = try master.authenticationCode(for: Array("totpgate/totp-secret-encryption/v1".utf8))
        recoveryCodeKey = try master.authenticationCode(for: Array("totpgate/recovery-code-hash/v1".utf8))
        throttleSubjectKey = try master.authenticationCode(for: Array("totpgate/throttle-subject/v1".utf8))
        deviceIDKey = try master.authenticationCode(for: Array("totpgate/device-id-hash/v1".utf8))
    }

    /// The throttle subject of `name`: what every throttle row of the name is keyed by.
    public func throttleSubject(of name: String) throws -> ThrottleSubject {
        try ThrottleSubject(name: name, key: throttleSubjectKey)
    }

    /// The keys of `dataDirectory`, creating its master key on first use
    /// unless `creating` is false (then a missing key is an error).
    public init(dataDirectory: DataDirectory, creating: Bool = true) throws {
        try self.init(masterKey: dataDirectory.key(named: Self.fileName, size: Self.masterKeySize, creating: creating))
    }
}
