import Crypto
import Foundation

/// Hashes and verifies passwords with scrypt, stored as one self-describing
/// string that carries its parameters, so they can be raised later:
///
///     $scrypt$ln=15,r=8,p=3$<salt, base64>$<hash, base64>
///
/// (PHC string format: `ln` is log2 N; base64 without padding; 16-byte salt,
/// 32-byte hash.) Passwords are NFKC-normalised first, as NIST SP 800-63B
/// advises, so one typed on another keyboard or system still matches.
public struct PasswordHasher: Sendable {
    /// OWASP's scrypt recommendation: N = 2^15, r = 8, p = 3.
    public static let owaspParameters = try! Scrypt(n: 1 << 15, r: 8, p: 3)  // valid constants: cannot throw

    static let saltSize = 16
    static let hashSize = 32

    /// The parameters of new hashes.
    public let parameters: Scrypt
    /// Where scrypt runs; nil runs it on the calling thread.
    public var executor: (any ScryptExecutor)?
    /// A hash of no password with the same parameters: verifying against it
    /// costs what a real verification costs, for users that do not exist.
    let dummyHash: String

    /// A hasher making new hashes with `parameters`.
    public init(parameters: Scrypt = Self.owaspParameters) throws {
        self.parameters = parameters
        dummyHash = Self.encode(parameters: parameters, salt: try SecureRandom.bytes(count: Self.saltSize),
                                hash: try SecureRandom.bytes(count: Self.hashSize))
    }

    /// The stored form of `password`, with a fresh random salt.
    public func hash(_ password: String) throws -> String {
        let salt = try SecureRandom.bytes(count: Self.saltSize)
        let hash = try derive(parameters, password: password, salt: salt, length: Self.hashSize)
        return Self.encode(parameters: parameters, salt: salt, hash: hash)
    }

    /// Whether `password` matches `stored`, compared in constant time.
    public func verify(_ password: String, against stored: String) throws -> Bool {
        let decoded = try Self.decode(stored)
        let hash = try derive(decoded.parameters, password: password, salt: decoded.salt, length: decoded.hash.count)
        return ConstantTime.equal(hash, decoded.hash)
    }

    /// Runs a full verification against a hash no password matches, so that
    /// a login for an unknown user takes as long as one for a known user.
    public func verifyUnknownUser(_ password: String) throws {
        _ = try verify(password, against: dummyHash)
    }

    /// Whether `stored` was made with other parameters than this hasher's
    /// (or cannot be read), so it should be replaced at the next right login.
    public func needsRehash(_ stored: String) -> Bool {
        guard let decoded = try? Self.decode(stored) else { return true }
        return decoded.parameters != parameters || decoded.salt.count != Self.saltSize || decoded.hash.count != Self.hashSize
    }

    private func derive(_ parameters: Scrypt, password: String, salt: [UInt8], length: Int) throws -> [UInt8] {
        let passwordBytes = Self.bytes(of: password)
        let work: @Sendable () throws -> [UInt8] = {
            try parameters.derive(password: passwordBytes, salt: salt, length: length)
        }
        return try executor?.derive(work) ?? work()
    }

    private static func bytes(of password: String) -> [UInt8] {
        Array(password.precomposedStringWithCompatibilityMapping.utf8)
    }

    private static func encode(parameters: Scrypt, salt: [UInt8], hash: [UInt8]) -> String {
        let logN = parameters.n.trailingZeroBitCount
        return "$scrypt$ln=\(logN),r=\(parameters.r),p=\(parameters.p)$\(base64(salt))$\(base64(hash))"
    }

    private static func decode(_ stored: String) throws -> (parameters: Scrypt, salt: [UInt8], hash: [UInt8]) {
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == "scrypt" else { throw AccountError.malformedPasswordHash }
        let values = fields[2].split(separator: ",").map { $0.split(separator: "=", maxSplits: 1) }
        guard values.count == 3, values.allSatisfy({ $0.count == 2 }),
              values.map({ $0[0] }) == ["ln", "r", "p"],
              let logN = UInt64(values[0][1]), (1...63).contains(logN),
              let r = UInt64(values[1][1]), let p = UInt64(values[2][1]),
              let parameters = try? Scrypt(n: 1 << logN, r: r, p: p),
              let salt = unbase64(fields[3]), !salt.isEmpty,
              let hash = unbase64(fields[4]), !hash.isEmpty
        else { throw AccountError.malformedPasswordHash }
        return (parameters, salt, hash)
    }

    /// Standard base64 without `=` padding, as the PHC format writes it.
    private static func base64(_ bytes: [UInt8]) -> String {
        String(Data(bytes).base64EncodedString().prefix { $0 != "=" })
    }

    private static func unbase64(_ text: Substring) -> [UInt8]? {
        let padded = text + String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Data(base64Encoded: String(padded)).map(Array.init)
    }
}

/// Where password hashing runs. A server hands scrypt (tens of milliseconds of
/// CPU and 32 MiB each) to a few low-priority threads, so logins never take
/// the CPU or the threads that cheap requests need.
public protocol ScryptExecutor: Sendable {
    /// Runs `work` and returns its result, or throws ``PasswordHashingBusy``
    /// when it cannot take it now.
    func derive(_ work: @escaping @Sendable () throws -> [UInt8]) throws -> [UInt8]
}

/// No password-hashing slot for this attempt in time: it was not tried, so
/// it is no failure, and whatever counted it gives the count back.
public struct PasswordHashingBusy: Error, Equatable {
    public init() {}
}
