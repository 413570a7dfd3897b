import Testing
@testable import Crypto

struct ConstantTimeTests {
    @Test(arguments: [
        ("123456", "123456", true),
        ("123456", "123457", false),
        ("023456", "123456", false),
        ("12345", "123456", false),
        ("", "", true),
        ("", "0", false),
    ])
    func comparesBytes(_ a: String, _ b: String, _ equal: Bool) {
        #expect(ConstantTime.equal(a, b) == equal)
        #expect(ConstantTime.equal(Array(a.utf8), Array(b.utf8)) == equal)
    }
}

struct ConstantTimeWordTests {
    @Test(arguments: [
        (UInt32(0), UInt32(0), true), (123_456, 123_456, true), (123_456, 123_457, false),
        (0, 0x8000_0000, false), (0xFFFF_FFFF, 0xFFFF_FFFF, true), (1, 0, false), (0x0001_0000, 0, false),
    ])
    func comparesWords(_ a: UInt32, _ b: UInt32, _ equal: Bool) {
        #expect(ConstantTime.equal(a, b) == equal)
    }
}
