import Crypto

/// HMAC-based one-time passwords (RFC 4226), the core TOTP builds on.
public struct HOTP: Sendable, Hashable {
    /// Digit counts codes may have.
    public static let allowedDigits = 6...8

    /// The shared secret key K.
    public let secret: [UInt8]
    /// The hash function under HMAC.
    public let algorithm: HashAlgorithm
    /// Digits in a code.
    public let digits: Int

    /// A generator; throws for an empty secret or a digit count outside 6...8.
    public init(secret: [UInt8], algorithm: HashAlgorithm = .sha1, digits: Int = 6) throws(OTPError) {
        guard !secret.isEmpty else { throw .emptySecret }
        guard Self.allowedDigits.contains(digits) else { throw .invalidDigits(digits) }
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
    }

    /// The code for `counter`.
    public func code(counter: UInt64) throws -> String {
        var generator = try Generator(self)
        return try generator.code(counter: counter)
    }

    /// The first counter in `counters` whose code is `code`, or nil.
    ///
    /// Every counter is checked and every comparison is constant-time, so the
    /// answer's timing tells nothing about which counter (if any) matched.
    /// A code of the wrong length or with non-digits is refused before any work.
    public func verify(_ code: String, counters: some Sequence<UInt64>) throws -> UInt64? {
        guard let submitted = value(of: code) else { return nil }
        var generator = try Generator(self)
        var matched: UInt64?
        for counter in counters {
            let isMatch = ConstantTime.equal(try generator.value(counter: counter), submitted)
            if isMatch && matched == nil { matched = counter }
        }
        return matched
    }

    /// The number `code` spells when it is exactly `digits` ASCII digits; nil otherwise.
    /// With the length fixed, equal numbers mean equal codes, leading zeros included.
    private func value(of code: String) -> UInt32? {
        guard code.utf8.count == digits else { return nil }
        var value: UInt32 = 0
        for byte in code.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt32(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// One keyed HMAC producing codes for many counters.
    private struct Generator {
        let mac: HMAC
        let digits: Int
        let modulus: UInt32
        /// Buffers reused across counters, so a window of checks allocates nothing more.
        var message = [UInt8](repeating: 0, count: 8)
        var hash: [UInt8] = []

        init(_ hotp: HOTP) throws {
            mac = try HMAC(algorithm: hotp.algorithm, key: hotp.secret)
            digits = hotp.digits
            modulus = (0..<hotp.digits).reduce(1) { power, _ in power * 10 }
        }

        /// RFC 4226 §5.3: HMAC over the big-endian counter, dynamic truncation, modulo 10^digits.
        mutating func value(counter: UInt64) throws -> UInt32 {
            for index in 0..<8 { message[index] = UInt8(truncatingIfNeeded: counter >> (56 - 8 * index)) }
            try mac.authenticationCode(for: message, into: &hash)
            let offset = Int(hash[hash.count - 1] & 0x0F)
            let binary = (UInt32(hash[offset] & 0x7F) << 24)
                | (UInt32(hash[offset + 1]) << 16)
                | (UInt32(hash[offset + 2]) << 8)
                | UInt32(hash[offset + 3])
            return binary % modulus
        }

        /// The value as a string of exactly `digits` digits, zero-padded.
        mutating func code(counter: UInt64) throws -> String {
            let digitsOfValue = String(try value(counter: counter))
            return String(repeating: "0", count: digits - digitsOfValue.count) + digitsOfValue
        }
    }
}
