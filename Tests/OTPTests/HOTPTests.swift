import Testing
@testable import OTP

struct HOTPTests {
    static let rfcSecret = Array("12345678901234567890".utf8)

    /// RFC 4226 Appendix D.
    @Test(arguments: zip(0..<10, ["755224", "287082", "359152", "969429", "338314",
                                  "254676", "287922", "162583", "399871", "520489"]))
    func matchesRFC4226(_ counter: Int, _ code: String) throws {
        #expect(try HOTP(secret: Self.rfcSecret).code(counter: UInt64(counter)) == code)
    }

    @Test func verifyReturnsTheMatchingCounter() throws {
        let hotp = try HOTP(secret: Self.rfcSecret)
        #expect(try hotp.verify("969429", counters: 0...5) == 3)
        #expect(try hotp.verify("969429", counters: 4...9) == nil)
    }

    @Test(arguments: ["", "75522", "7552240", "75522a", " 755224", "755224 ", "７５５２２４", "-55224", "+55224"])
    func refusesMalformedCodes(_ code: String) throws {
        #expect(try HOTP(secret: Self.rfcSecret).verify(code, counters: 0...9) == nil)
    }

    @Test(arguments: [0, 5, 9, 10, -1])
    func refusesDigitCountsOutsideSixToEight(_ digits: Int) {
        #expect(throws: OTPError.invalidDigits(digits)) { try HOTP(secret: Self.rfcSecret, digits: digits) }
    }

    @Test func refusesAnEmptySecret() {
        #expect(throws: OTPError.emptySecret) { try HOTP(secret: []) }
    }

    @Test(arguments: [6, 7, 8])
    func padsCodesWithLeadingZeros(_ digits: Int) throws {
        let hotp = try HOTP(secret: Self.rfcSecret, digits: digits)
        let codes = try (0..<200).map { try hotp.code(counter: UInt64($0)) }
        #expect(codes.allSatisfy { $0.count == digits && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        #expect(codes.contains { $0.hasPrefix("0") })
    }
}
