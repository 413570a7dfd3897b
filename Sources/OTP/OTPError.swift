/// Why a one-time-password parameter or input was refused.
public enum OTPError: Error, Equatable, CustomStringConvertible {
    /// Codes have 6, 7 or 8 digits.
    case invalidDigits(Int)
    /// The TOTP period must be a positive number of seconds.
    case invalidPeriod(Int)
    /// An empty secret authenticates nothing.
    case emptySecret
    /// A secret shorter than the required minimum.
    case secretTooShort(bits: Int, minimum: Int)
    /// A secret size that is not whole bytes.
    case secretBitsNotWholeBytes(Int)
    /// Time before the Unix epoch.
    case invalidTime(Int64)
    /// A verification window outside 0...10 steps.
    case invalidWindow(Int)

    public var description: String {
        switch self {
        case .invalidDigits(let digits): "digits must be 6, 7 or 8, not \(digits)"
        case .invalidPeriod(let period): "period must be a positive number of seconds, not \(period)"
        case .emptySecret: "the secret is empty"
        case .secretTooShort(let bits, let minimum): "the secret has \(bits) bits; at least \(minimum) are required"
        case .secretBitsNotWholeBytes(let bits): "secret bits must be a multiple of 8, not \(bits)"
        case .invalidTime(let time): "time must not be before 1970-01-01, not \(time)"
        case .invalidWindow(let window): "window must be between 0 and 10 steps, not \(window)"
        }
    }
}
