/// The scrypt key-derivation function (RFC 7914), the memory-hard password hash.
public struct Scrypt: Sendable, Hashable {
    /// CPU/memory cost: a power of two greater than 1.
    public var n: UInt64
    /// Block size.
    public var r: UInt64
    /// Parallelisation.
    public var p: UInt64

    /// Parameters; `n` must be a power of two above 1 and `r`, `p` positive.
    public init(n: UInt64, r: UInt64, p: UInt64) throws {
        guard n > 1, n & (n - 1) == 0 else { throw CryptoError.invalidParameter("scrypt N must be a power of two above 1, not \(n)") }
        guard r > 0, p > 0 else { throw CryptoError.invalidParameter("scrypt r and p must be positive") }
        self.n = n
        self.r = r
        self.p = p
    }

    /// Derives `length` bytes from `password` and `salt`.
    public func derive(password: some Collection<UInt8>, salt: some Collection<UInt8>, length: Int) throws -> [UInt8] {
        guard length > 0 else { throw CryptoError.invalidParameter("scrypt output length must be positive") }
        return try scryptDerive(password: Array(password), salt: Array(salt), n: n, r: r, p: p, length: length)
    }
}
