import Testing
@testable import Crypto

struct ScryptTests {
    /// RFC 7914 §12, the first two vectors.
    @Test(arguments: [
        ("", "", UInt64(16), UInt64(1), UInt64(1),
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ("password", "NaCl", 1024, 8, 16,
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
    ])
    func matchesRFC7914(_ password: String, _ salt: String, _ n: UInt64, _ r: UInt64, _ p: UInt64, _ expected: String) throws {
        let key = try Scrypt(n: n, r: r, p: p).derive(password: Array(password.utf8), salt: Array(salt.utf8), length: 64)
        #expect(key.hex == expected)
    }

    @Test func handlesOWASPParameters() throws {
        // N=2^15, r=8, p=3 needs more than OpenSSL's default 32 MiB memory cap.
        let key = try Scrypt(n: 1 << 15, r: 8, p: 3).derive(password: Array("pw".utf8), salt: [1, 2, 3], length: 32)
        #expect(key.count == 32)
    }

    @Test(arguments: [UInt64(0), 1, 3, 1000])
    func refusesNonPowerOfTwoCost(_ n: UInt64) {
        #expect(throws: CryptoError.self) { try Scrypt(n: n, r: 8, p: 1) }
    }
}
