internal import COpenSSL
import Synchronization

// The only file of this target that touches libcrypto: every pointer and every
// OpenSSL handle lives here, behind small internal functions and classes.

/// Checks a libcrypto return code (1 is success) and turns a failure into a typed error.
private func check(_ result: Int32, _ function: StaticString) throws {
    guard result == 1 else { throw CryptoError.library(function: "\(function)", reason: lastErrorReason()) }
}

/// Drains the thread's OpenSSL error queue into one readable reason.
private func lastErrorReason() -> String {
    var reasons: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
        reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return reasons.isEmpty ? "unknown error" : reasons.joined(separator: "; ")
}

extension HashAlgorithm {
    fileprivate var digestName: String {
        switch self {
        case .sha1: "SHA1"
        case .sha256: "SHA256"
        case .sha512: "SHA512"
        }
    }
}

/// Per-algorithm HMAC contexts keyed with a placeholder, made once per process.
///
/// Fetching the HMAC implementation and its digest by name is the costly part of
/// `EVP_MAC`; a duplicate of a prepared context carries both, so keying a new
/// context is then only the HMAC key schedule. The templates are never used
/// directly, only duplicated, which OpenSSL allows from several threads.
private final class MACTemplates: @unchecked Sendable {
    static let shared = MACTemplates()
    private let contexts: [HashAlgorithm: OpaquePointer]

    private init() {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else {
            // The default provider always carries HMAC; without it no crypto works at all.
            fatalError("libcrypto has no HMAC implementation: \(lastErrorReason())")
        }
        defer { EVP_MAC_free(mac) }
        var contexts: [HashAlgorithm: OpaquePointer] = [:]
        for algorithm in HashAlgorithm.allCases {
            guard let context = EVP_MAC_CTX_new(mac) else { fatalError("EVP_MAC_CTX_new: \(lastErrorReason())") }
            var name = Array(algorithm.digestName.utf8CString)
            let placeholderKey: [UInt8] = [0]
            let result = name.withUnsafeMutableBufferPointer { namePointer in
                var params = [
                    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, namePointer.baseAddress, 0),
                    OSSL_PARAM_construct_end(),
                ]
                return EVP_MAC_init(context, placeholderKey, placeholderKey.count, &params)
            }
            // SHA-1 and SHA-2 are in every default provider; failing here means a broken libcrypto.
            guard result == 1 else { fatalError("HMAC-\(algorithm.digestName) unavailable: \(lastErrorReason())") }
            contexts[algorithm] = context
        }
        self.contexts = contexts
    }

    func template(for algorithm: HashAlgorithm) -> OpaquePointer {
        contexts[algorithm]!  // every case was filled in init
    }
}

/// Released HMAC contexts kept for re-keying: a short-lived HMAC (one per TOTP
/// check) then costs a key schedule instead of a dozen allocations and frees.
///
/// An idle context still holds the key schedule of its last key until it is
/// re-keyed. Clearing it on release would cost a quarter of a TOTP check; it
/// is not done because the process holds those keys in memory anyway while it
/// works with them, and nothing outside the process can reach the pool.
private struct ContextPool: ~Copyable {
    /// An `EVP_MAC_CTX` nobody else references; moved between threads only under the lock.
    struct Entry: @unchecked Sendable { let context: OpaquePointer }
    static let capacity = 64
    /// Free contexts per algorithm, indexed like `HashAlgorithm.allCases`.
    var free: [[Entry]] = HashAlgorithm.allCases.map { _ in [] }
}

extension HashAlgorithm {
    fileprivate var poolIndex: Int {
        switch self {
        case .sha1: 0
        case .sha256: 1
        case .sha512: 2
        }
    }
}

private let contextPool = Mutex(ContextPool())

/// Owns one `EVP_MAC_CTX` keyed once; each MAC afterwards re-initialises it without the key.
final class MACContext {
    private let context: OpaquePointer
    private let algorithm: HashAlgorithm
    let outputSize: Int

    init(algorithm: HashAlgorithm, key: [UInt8]) throws {
        let pooled = contextPool.withLock { $0.free[algorithm.poolIndex].popLast() }
        guard let context = pooled?.context ?? EVP_MAC_CTX_dup(MACTemplates.shared.template(for: algorithm)) else {
            throw CryptoError.library(function: "EVP_MAC_CTX_dup", reason: lastErrorReason())
        }
        self.context = context
        self.algorithm = algorithm
        outputSize = algorithm.digestSize
        // An empty key still needs a non-null pointer, or OpenSSL keeps the previous key.
        let keyBytes = key.isEmpty ? [0] : key
        try check(EVP_MAC_init(context, keyBytes, key.count, nil), "EVP_MAC_init")
    }

    private init(copying other: MACContext) throws {
        guard let copy = EVP_MAC_CTX_dup(other.context) else {
            throw CryptoError.library(function: "EVP_MAC_CTX_dup", reason: lastErrorReason())
        }
        context = copy
        algorithm = other.algorithm
        outputSize = other.outputSize
    }

    deinit {
        let entry = ContextPool.Entry(context: context)
        let kept = contextPool.withLock { pool in
            guard pool.free[algorithm.poolIndex].count < ContextPool.capacity else { return false }
            pool.free[algorithm.poolIndex].append(entry)
            return true
        }
        if !kept { EVP_MAC_CTX_free(context) }
    }

    /// A context with the same key, for another thread.
    func copy() throws -> MACContext {
        try MACContext(copying: self)
    }

    /// Writes the MAC of `message` under the context's key into `output`,
    /// resizing it to the digest size (a caller reusing one array allocates once).
    /// Contiguous bytes (an array, a String's UTF-8) are read in place, others copied once.
    func authenticate(_ message: some Collection<UInt8>, into output: inout [UInt8]) throws {
        try check(EVP_MAC_init(context, nil, 0, nil), "EVP_MAC_init")
        let context = context
        let updated = message.withContiguousStorageIfAvailable { EVP_MAC_update(context, $0.baseAddress, $0.count) }
            ?? Array(message).withUnsafeBufferPointer { EVP_MAC_update(context, $0.baseAddress, $0.count) }
        try check(updated, "EVP_MAC_update")
        if output.count != outputSize { output = [UInt8](repeating: 0, count: outputSize) }
        var written = 0
        let size = outputSize
        try check(output.withUnsafeMutableBufferPointer { EVP_MAC_final(context, $0.baseAddress, &written, size) }, "EVP_MAC_final")
    }
}

/// Fills a new array with bytes from OpenSSL's CSPRNG.
func randomBytes(count: Int) throws -> [UInt8] {
    var result: Int32 = 1
    let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { result = RAND_bytes(buffer.baseAddress, Int32(count)) }
        initialized = result == 1 ? count : 0
    }
    try check(result, "RAND_bytes")
    return bytes
}

/// `CRYPTO_memcmp`: the time taken depends on the length only, never on the contents.
func memoryEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return CRYPTO_memcmp(a, b, a.count) == 0
}

/// scrypt (RFC 7914) through `EVP_PBE_scrypt`.
func scryptDerive(
    password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int
) throws -> [UInt8] {
    // OpenSSL refuses parameters needing more than maxmem; allow what these parameters need.
    let memory = 128 * r * (n + p + 2) + (1 << 20)
    var result: Int32 = 0
    let key = [UInt8](unsafeUninitializedCapacity: length) { output, initialized in
        result = password.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { salt in
                pass.withMemoryRebound(to: CChar.self) { pass in
                    EVP_PBE_scrypt(pass.baseAddress, pass.count, salt.baseAddress, salt.count,
                                   n, r, p, memory, output.baseAddress, length)
                }
            }
        }
        initialized = result == 1 ? length : 0
    }
    try check(result, "EVP_PBE_scrypt")
    return key
}

/// Owns one `EVP_CIPHER_CTX` for a single AES-256-GCM operation.
private final class CipherContext {
    let context: OpaquePointer

    init() throws {
        guard let context = EVP_CIPHER_CTX_new() else {
            throw CryptoError.library(function: "EVP_CIPHER_CTX_new", reason: lastErrorReason())
        }
        self.context = context
    }

    deinit { EVP_CIPHER_CTX_free(context) }
}

/// AES-256-GCM encryption; returns the ciphertext and the 16-byte tag.
func aes256GCMSeal(
    key: [UInt8], nonce: [UInt8], plaintext: [UInt8], associatedData: [UInt8]
) throws -> (ciphertext: [UInt8], tag: [UInt8]) {
    let cipher = try CipherContext()
    let ctx = cipher.context
    try check(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil), "EVP_EncryptInit_ex")
    try check(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil), "EVP_CIPHER_CTX_ctrl")
    try check(EVP_EncryptInit_ex(ctx, nil, nil, key, nonce), "EVP_EncryptInit_ex")
    var length: Int32 = 0
    if !associatedData.isEmpty {
        try check(EVP_EncryptUpdate(ctx, nil, &length, associatedData, Int32(associatedData.count)), "EVP_EncryptUpdate")
    }
    var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
    var total: Int32 = 0
    if !plaintext.isEmpty {
        try check(EVP_EncryptUpdate(ctx, &ciphertext, &length, plaintext, Int32(plaintext.count)), "EVP_EncryptUpdate")
        total = length
    }
    let finalResult = ciphertext.withUnsafeMutableBufferPointer { buffer in
        EVP_EncryptFinal_ex(ctx, buffer.baseAddress! + Int(total), &length)
    }
    try check(finalResult, "EVP_EncryptFinal_ex")
    total += length
    var tag = [UInt8](repeating: 0, count: 16)
    try check(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, &tag), "EVP_CIPHER_CTX_ctrl")
    return (Array(ciphertext.prefix(Int(total))), tag)
}

/// AES-256-GCM decryption; nil when the tag does not authenticate the input.
func aes256GCMOpen(
    key: [UInt8], nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8], associatedData: [UInt8]
) throws -> [UInt8]? {
    let cipher = try CipherContext()
    let ctx = cipher.context
    try check(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil), "EVP_DecryptInit_ex")
    try check(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil), "EVP_CIPHER_CTX_ctrl")
    try check(EVP_DecryptInit_ex(ctx, nil, nil, key, nonce), "EVP_DecryptInit_ex")
    var length: Int32 = 0
    if !associatedData.isEmpty {
        try check(EVP_DecryptUpdate(ctx, nil, &length, associatedData, Int32(associatedData.count)), "EVP_DecryptUpdate")
    }
    var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
    var total: Int32 = 0
    if !ciphertext.isEmpty {
        try check(EVP_DecryptUpdate(ctx, &plaintext, &length, ciphertext, Int32(ciphertext.count)), "EVP_DecryptUpdate")
        total = length
    }
    var expectedTag = tag
    try check(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(expectedTag.count), &expectedTag), "EVP_CIPHER_CTX_ctrl")
    let verified = plaintext.withUnsafeMutableBufferPointer { buffer in
        EVP_DecryptFinal_ex(ctx, buffer.baseAddress! + Int(total), &length)
    }
    guard verified == 1 else {
        _ = lastErrorReason()  // clear the queue: a failed tag check is an answer, not an error
        return nil
    }
    total += length
    return Array(plaintext.prefix(Int(total)))
}
