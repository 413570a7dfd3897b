import Testing
@testable import Crypto

struct HMACTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let algorithm: HashAlgorithm
        let key: [UInt8]
        let message: String
        let mac: String
        var testDescription: String { "\(algorithm) \(message)" }
    }

    /// RFC 2202 (SHA-1) and RFC 4231 (SHA-2) test cases 1 and 2.
    static let vectors: [Vector] = [
        Vector(algorithm: .sha1, key: .init(repeating: 0x0b, count: 20), message: "Hi There",
               mac: "b617318655057264e28bc0b6fb378c8ef146be00"),
        Vector(algorithm: .sha256, key: .init(repeating: 0x0b, count: 20), message: "Hi There",
               mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Vector(algorithm: .sha512, key: .init(repeating: 0x0b, count: 20), message: "Hi There",
               mac: "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
        Vector(algorithm: .sha1, key: Array("Jefe".utf8), message: "what do ya want for nothing?",
               mac: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        Vector(algorithm: .sha256, key: Array("Jefe".utf8), message: "what do ya want for nothing?",
               mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Vector(algorithm: .sha512, key: Array("Jefe".utf8), message: "what do ya want for nothing?",
               mac: "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
    ]

    @Test(arguments: vectors)
    func matchesRFCVectors(_ v: Vector) throws {
        let mac = try HMAC.authenticationCode(algorithm: v.algorithm, key: v.key, message: Array(v.message.utf8))
        #expect(mac.hex == v.mac)
        #expect(mac.count == v.algorithm.digestSize)
    }

    @Test func reusesTheKeyAcrossMessages() throws {
        let mac = try HMAC(algorithm: .sha256, key: Array("Jefe".utf8))
        let first = try mac.authenticationCode(for: Array("what do ya want for nothing?".utf8))
        _ = try mac.authenticationCode(for: Array("something else".utf8))
        let again = try mac.authenticationCode(for: Array("what do ya want for nothing?".utf8))
        #expect(first == again)
        #expect(first.hex == Self.vectors[4].mac)
    }

    @Test func copyKeepsTheKey() throws {
        let mac = try HMAC(algorithm: .sha1, key: Array("Jefe".utf8))
        let copy = try mac.copy()
        #expect(try copy.authenticationCode(for: Array("what do ya want for nothing?".utf8)).hex == Self.vectors[3].mac)
    }

    @Test func acceptsEmptyKeyAndMessage() throws {
        // HMAC-SHA256 with an empty key over an empty message (cross-checked with Python's hmac).
        let mac = try HMAC.authenticationCode(algorithm: .sha256, key: [UInt8](), message: [UInt8]())
        #expect(mac.hex == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}

struct HMACPoolTests {
    /// Contexts released by one HMAC are re-keyed for the next: no key may leak across.
    @Test func reusedContextsTakeTheNewKey() throws {
        for _ in 0..<200 {
            let mac = try HMAC.authenticationCode(algorithm: .sha1, key: .init(repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
            #expect(mac.hex == HMACTests.vectors[0].mac)
            let jefe = try HMAC.authenticationCode(algorithm: .sha1, key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
            #expect(jefe.hex == HMACTests.vectors[3].mac)
            let empty = try HMAC.authenticationCode(algorithm: .sha256, key: [], message: [])
            #expect(empty.hex == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        }
    }

    @Test func concurrentUseGivesCorrectMACs() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let v = HMACTests.vectors[index % HMACTests.vectors.count]
                    for _ in 0..<200 {
                        let mac = try HMAC.authenticationCode(algorithm: v.algorithm, key: v.key, message: Array(v.message.utf8))
                        if mac.hex != v.mac { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    @Test func intoReusesTheBuffer() throws {
        let mac = try HMAC(algorithm: .sha512, key: Array("Jefe".utf8))
        var output = [UInt8](repeating: 9, count: 3)
        try mac.authenticationCode(for: Array("what do ya want for nothing?".utf8), into: &output)
        #expect(output.hex == HMACTests.vectors[5].mac)
    }
}

struct SharedHMACTests {
    @Test(arguments: HMACTests.vectors)
    func matchesRFCVectors(_ v: HMACTests.Vector) throws {
        let shared = SharedHMAC(algorithm: v.algorithm, key: v.key)
        // Twice: the second MAC comes from the context the first gave back.
        for _ in 0..<2 {
            #expect(try shared.authenticationCode(for: Array(v.message.utf8)).hex == v.mac)
        }
    }

    /// A String's UTF-8, a slice of it, and bytes that are not contiguous give the same MAC as an array.
    @Test func readsAnyCollectionOfBytes() throws {
        let v = HMACTests.vectors[4]
        let shared = SharedHMAC(algorithm: v.algorithm, key: v.key)
        let padded = "xx" + v.message + "yy"
        let slice = padded.utf8.dropFirst(2).dropLast(2)
        #expect(try shared.authenticationCode(for: v.message.utf8).hex == v.mac)
        #expect(try shared.authenticationCode(for: slice).hex == v.mac)
        #expect(try shared.authenticationCode(for: v.message.utf8.lazy.map { $0 }).hex == v.mac)
        #expect(try shared.authenticationCode(for: [UInt8]()) == HMAC.authenticationCode(algorithm: v.algorithm, key: v.key, message: []))
    }

    /// Many threads MAC different messages under one key at once: each gets its own message's MAC.
    @Test func concurrentUseGivesEachMessageItsMAC() async throws {
        let key = Array("a cookie key of thirty-two bytes".utf8)
        let shared = SharedHMAC(algorithm: .sha256, key: key)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for round in 0..<300 {
                        let message = Array("session \(task) \(round)".utf8)
                        let expected = try HMAC.authenticationCode(algorithm: .sha256, key: key, message: message)
                        if try shared.authenticationCode(for: message) != expected { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    /// Two shared MACs with different keys never hand each other's contexts out.
    @Test func keysStayApart() throws {
        let first = SharedHMAC(algorithm: .sha1, key: HMACTests.vectors[0].key)
        let second = SharedHMAC(algorithm: .sha1, key: HMACTests.vectors[3].key)
        for _ in 0..<50 {
            #expect(try first.authenticationCode(for: Array("Hi There".utf8)).hex == HMACTests.vectors[0].mac)
            #expect(try second.authenticationCode(for: Array(HMACTests.vectors[3].message.utf8)).hex == HMACTests.vectors[3].mac)
        }
    }
}
