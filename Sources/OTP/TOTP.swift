import Crypto

/// Time-based one-time passwords (RFC 6238): HOTP over the number of whole
/// periods since the Unix epoch. Time is always passed in, never read here.
public struct TOTP: Sendable, Hashable {
    /// The HOTP generator under this TOTP.
    public let hotp: HOTP
    /// Seconds per time step X.
    public let period: Int

    /// A generator; defaults are those of Google Authenticator (SHA-1, 6 digits, 30 s).
    public init(secret: [UInt8], algorithm: HashAlgorithm = .sha1, digits: Int = 6, period: Int = 30) throws(OTPError) {
        guard period > 0 else { throw .invalidPeriod(period) }
        hotp = try HOTP(secret: secret, algorithm: algorithm, digits: digits)
        self.period = period
    }

    /// The time step T containing `time` (Unix seconds).
    public func step(at time: Int64) throws(OTPError) -> UInt64 {
        guard time >= 0 else { throw .invalidTime(time) }
        return UInt64(time) / UInt64(period)
    }

    /// The code valid at `time` (Unix seconds).
    public func code(at time: Int64) throws -> String {
        try hotp.code(counter: step(at: time))
    }

    /// The time step whose code is `code`, searching `window` steps either side
    /// of the one containing `time`; nil when none matches.
    ///
    /// The caller stores the returned step and refuses any later code whose
    /// step is not newer, which makes each code single-use.
    public func verify(_ code: String, at time: Int64, window: Int = 1) throws -> UInt64? {
        guard (0...10).contains(window) else { throw OTPError.invalidWindow(window) }
        let current = try step(at: time)
        let first = current >= UInt64(window) ? current - UInt64(window) : 0
        return try hotp.verify(code, counters: first...(current + UInt64(window)))
    }
}
