import Crypto
import Testing
@testable import OTP

enum RFC6238 {
    struct Vector: Sendable, CustomTestStringConvertible {
        let time: Int64
        let algorithm: HashAlgorithm
        let code: String
        var testDescription: String { "\(algorithm) at \(time)" }

        /// Appendix A's seeds: one per algorithm, each as long as its digest.
        var seed: [UInt8] {
            let digits = Array("1234567890".utf8)
            return (0..<algorithm.digestSize).map { digits[$0 % 10] }
        }
    }

    /// All 18 rows of RFC 6238 Appendix B.
    static let vectors: [Vector] = [
        (59, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ].flatMap { row in
        [Vector(time: row.0, algorithm: .sha1, code: row.1),
         Vector(time: row.0, algorithm: .sha256, code: row.2),
         Vector(time: row.0, algorithm: .sha512, code: row.3)]
    }
}

struct TOTPTests {
    @Test func hasEighteenRFCVectors() {
        #expect(RFC6238.vectors.count == 18)
    }

    @Test(arguments: RFC6238.vectors)
    func matchesRFC6238(_ v: RFC6238.Vector) throws {
        #expect(try TOTP(secret: v.seed, algorithm: v.algorithm, digits: 8).code(at: v.time) == v.code)
    }

    @Test(arguments: RFC6238.vectors)
    func verifiesRFC6238AndReturnsTheStep(_ v: RFC6238.Vector) throws {
        let totp = try TOTP(secret: v.seed, algorithm: v.algorithm, digits: 8)
        #expect(try totp.verify(v.code, at: v.time) == UInt64(v.time) / 30)
    }

    /// Codes from one step either side are accepted; two steps away they are not.
    @Test(arguments: [(-2, false), (-1, true), (0, true), (1, true), (2, false)])
    func acceptsOneStepEitherSide(_ offset: Int64, _ accepted: Bool) throws {
        let totp = try TOTP(secret: Array("12345678901234567890".utf8))
        let now: Int64 = 1_700_000_015
        let issued = now + offset * 30
        let code = try totp.code(at: issued)
        let step = try totp.verify(code, at: now, window: 1)
        #expect((step != nil) == accepted)
        if accepted { #expect(step == UInt64(issued) / 30) }
    }

    @Test func windowEdgesAreStepBoundaries() throws {
        let totp = try TOTP(secret: Array("12345678901234567890".utf8))
        let code = try totp.code(at: 60)  // step 2 spans 60...89
        #expect(try totp.verify(code, at: 119) == 2)  // step 3: one step later
        #expect(try totp.verify(code, at: 120) == nil)  // step 4: two steps later
        #expect(try totp.verify(code, at: 30) == 2)  // step 1: one step earlier
        #expect(try totp.verify(code, at: 29) == nil)  // step 0: two steps earlier
    }

    @Test func windowZeroAcceptsOnlyTheCurrentStep() throws {
        let totp = try TOTP(secret: Array("12345678901234567890".utf8))
        #expect(try totp.verify(totp.code(at: 90), at: 119, window: 0) == 3)
        #expect(try totp.verify(totp.code(at: 90), at: 120, window: 0) == nil)
    }

    @Test func windowNearTheEpochDoesNotUnderflow() throws {
        let totp = try TOTP(secret: Array("12345678901234567890".utf8))
        #expect(try totp.verify(totp.code(at: 0), at: 5, window: 2) == 0)
    }

    @Test(arguments: [15, 30, 60, 90])
    func honoursOtherPeriods(_ period: Int) throws {
        let totp = try TOTP(secret: Array("12345678901234567890".utf8), period: period)
        #expect(try totp.step(at: 1_000_000) == UInt64(1_000_000 / period))
        #expect(try totp.code(at: 1_000_000) == HOTP(secret: Array("12345678901234567890".utf8)).code(counter: UInt64(1_000_000 / period)))
    }

    @Test(arguments: [0, -30])
    func refusesNonPositivePeriods(_ period: Int) {
        #expect(throws: OTPError.invalidPeriod(period)) { try TOTP(secret: [1], period: period) }
    }

    @Test func refusesTimeBeforeTheEpoch() throws {
        #expect(throws: OTPError.invalidTime(-1)) { try TOTP(secret: [1]).code(at: -1) }
    }

    @Test(arguments: [-1, 11])
    func refusesUnreasonableWindows(_ window: Int) throws {
        #expect(throws: OTPError.invalidWindow(window)) { try TOTP(secret: [1]).verify("123456", at: 100, window: window) }
    }
}
