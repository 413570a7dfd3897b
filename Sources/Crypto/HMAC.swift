/// HMAC (RFC 2104) under one key, ready for many messages.
///
/// Keying costs more than a short MAC, so a caller that authenticates many
/// messages under one key (a TOTP window, a cookie key) keeps one `HMAC`.
/// An instance is not safe to share between threads: use ``copy()`` per thread.
public final class HMAC {
    private let context: MACContext

    /// The hash function under the MAC.
    public let algorithm: HashAlgorithm

    /// Prepares HMAC-`algorithm` keyed with `key` (any length, as RFC 2104 allows).
    public init(algorithm: HashAlgorithm, key: [UInt8]) throws {
        self.algorithm = algorithm
        context = try MACContext(algorithm: algorithm, key: key)
    }

    private init(algorithm: HashAlgorithm, context: MACContext) {
        self.algorithm = algorithm
        self.context = context
    }

    /// An independent instance with the same key, for use on another thread.
    public func copy() throws -> HMAC {
        HMAC(algorithm: algorithm, context: try context.copy())
    }

    /// The MAC of `message`, read in place when its bytes are contiguous (a String's UTF-8, a slice).
    public func authenticationCode(for message: some Collection<UInt8>) throws -> [UInt8] {
        var output: [UInt8] = []
        try context.authenticate(message, into: &output)
        return output
    }

    /// Writes the MAC of `message` into `output`, reusing its storage when it
    /// already has the digest size: for hot loops that MAC many short messages.
    public func authenticationCode(for message: [UInt8], into output: inout [UInt8]) throws {
        try context.authenticate(message, into: &output)
    }

    /// The MAC of `message` under `key`, computed once.
    public static func authenticationCode(
        algorithm: HashAlgorithm, key: [UInt8], message: [UInt8]
    ) throws -> [UInt8] {
        try HMAC(algorithm: algorithm, key: key).authenticationCode(for: message)
    }
}
