/// A failure inside libcrypto, or input it cannot work with.
public enum CryptoError: Error, Equatable, CustomStringConvertible {
    /// A libcrypto call failed; `reason` is OpenSSL's own error text.
    case library(function: String, reason: String)
    /// A parameter was outside what the operation accepts.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .library(let function, let reason): "\(function) failed: \(reason)"
        case .invalidParameter(let message): message
        }
    }
}
