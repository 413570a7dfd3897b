import Crypto

/// Single-use codes accepted in place of a TOTP code, for a lost phone.
///
/// Ten per user, each two groups of ``ReadableCode`` (50 bits), shown once;
/// the store keeps only HMAC-SHA256 of the normalised code under a key
/// derived from the master key, so a copy of the database reveals none.
struct RecoveryCodes {
    /// Codes issued at enrolment and by regeneration.
    static let count = 10
    /// Groups of five characters in a code.
    static let groups = 2

    private let key: [UInt8]

    init(keys: AccountKeys) {
        key = keys.recoveryCodeKey
    }

    /// A fresh set of codes and the hashes to store for `userID`.
    func generate(for userID: Int64) throws -> (codes: [String], hashes: [[UInt8]]) {
        let codes = try (0..<Self.count).map { _ in try ReadableCode.generate(groups: Self.groups) }
        return (codes, try codes.map { try hash($0, userID: userID)! })  // generated codes are normalised already
    }

    /// The stored form of `typed` for `userID`, or nil when it is not shaped like a recovery code.
    func hash(_ typed: String, userID: Int64) throws -> [UInt8]? {
        guard let code = ReadableCode.normalise(typed, groups: Self.groups) else { return nil }
        return try HMAC.authenticationCode(algorithm: .sha256, key: key, message: Array("\(userID):\(code)".utf8))
    }
}
