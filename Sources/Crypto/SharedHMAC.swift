import Synchronization

/// HMAC under one key, for any number of threads at once.
///
/// Keeps the keyed contexts its callers give back, so a MAC costs the hash
/// blocks of the message and no key schedule: for a key used on every request
/// by every thread (the session cookie's), where keying a fresh ``HMAC`` cost
/// about as much as the MAC itself.
public final class SharedHMAC: Sendable {
    /// The hash function under the MAC.
    public let algorithm: HashAlgorithm
    private let key: [UInt8]
    private let idle = Mutex<[Idle]>([])

    /// A keyed ``HMAC`` no thread is using: taken out and put back under the lock, used by one thread at a time.
    private struct Idle: @unchecked Sendable { let mac: HMAC }

    /// Keyed contexts kept for reuse; more threads than this at once key their own.
    static let capacity = 32

    /// HMAC-`algorithm` under `key`; contexts are keyed as threads first need them.
    public init(algorithm: HashAlgorithm, key: [UInt8]) {
        self.algorithm = algorithm
        self.key = key
    }

    /// The MAC of `message` (read in place when its bytes are contiguous, as a String's UTF-8 is).
    public func authenticationCode(for message: some Collection<UInt8>) throws -> [UInt8] {
        let mac = try idle.withLock { $0.popLast() }?.mac ?? HMAC(algorithm: algorithm, key: key)
        let code = try mac.authenticationCode(for: message)
        idle.withLock { if $0.count < Self.capacity { $0.append(Idle(mac: mac)) } }
        return code
    }
}
