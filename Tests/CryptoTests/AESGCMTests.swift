import Testing
@testable import Crypto

struct AESGCMTests {
    let key = [UInt8](repeating: 7, count: 32)

    /// "The Galois/Counter Mode of Operation" test cases 13 and 14 (AES-256, zero key and IV).
    @Test(arguments: [
        ("", "", "530f8afbc74536b9a963b4f1c4cb738b"),
        ("00000000000000000000000000000000", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"),
    ])
    func matchesGCMSpecVectors(_ plaintext: String, _ ciphertext: String, _ tag: String) throws {
        let sealed = try aes256GCMSeal(key: .init(repeating: 0, count: 32), nonce: .init(repeating: 0, count: 12),
                                       plaintext: .init(hex: plaintext), associatedData: [])
        #expect(sealed.ciphertext.hex == ciphertext)
        #expect(sealed.tag.hex == tag)
    }

    @Test(arguments: [0, 1, 20, 64, 1000])
    func roundTrips(_ size: Int) throws {
        let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
        let box = try AESGCM.seal(plaintext, key: key, associatedData: Array("user:42".utf8))
        #expect(box.count == 12 + size + 16)
        #expect(try AESGCM.open(box, key: key, associatedData: Array("user:42".utf8)) == plaintext)
    }

    @Test func usesAFreshNonceEachTime() throws {
        let secret = Array("same secret".utf8)
        #expect(try AESGCM.seal(secret, key: key) != AESGCM.seal(secret, key: key))
    }

    @Test(arguments: [0, 12, 20, 39])
    func refusesATamperedBox(_ index: Int) throws {
        var box = try AESGCM.seal(Array("a twenty byte secret".utf8), key: key)
        box[index] ^= 0x01
        #expect(throws: CryptoError.self) { try AESGCM.open(box, key: key) }
    }

    @Test func refusesOtherAssociatedData() throws {
        let box = try AESGCM.seal(Array("secret".utf8), key: key, associatedData: Array("user:1".utf8))
        #expect(throws: CryptoError.self) { try AESGCM.open(box, key: key, associatedData: Array("user:2".utf8)) }
    }

    @Test func refusesAnotherKey() throws {
        let box = try AESGCM.seal(Array("secret".utf8), key: key)
        #expect(throws: CryptoError.self) { try AESGCM.open(box, key: .init(repeating: 8, count: 32)) }
    }

    @Test(arguments: [0, 16, 31, 33])
    func refusesWrongKeySizes(_ size: Int) {
        #expect(throws: CryptoError.self) { try AESGCM.seal([1], key: .init(repeating: 0, count: size)) }
    }

    @Test func refusesATruncatedBox() {
        #expect(throws: CryptoError.self) { try AESGCM.open([UInt8](repeating: 0, count: 27), key: key) }
    }
}
