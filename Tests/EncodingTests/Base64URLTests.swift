import Testing
@testable import Encoding

struct Base64URLTests {
    /// RFC 4648 §10 vectors without padding, in the URL alphabet.
    @Test(arguments: [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")])
    func matchesRFC4648(_ plain: String, _ encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        var appended = Array("x.".utf8)
        Base64URL.encode(Array(plain.utf8), appendingTo: &appended)
        #expect(appended == Array(("x." + encoded).utf8))
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        // The same from bytes: a slice in the middle of a longer array, as a cookie's parts are.
        let bytes = Array(("." + encoded + ".").utf8)
        #expect(Base64URL.decode(symbols: bytes[1..<(bytes.count - 1)]) == Array(plain.utf8))
    }

    @Test func usesTheURLAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test(arguments: ["Zg==", "Z", "Zm9v!", "+/8", "Zh"])
    func refusesNonCanonicalOrForeignInput(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
        #expect(Base64URL.decode(symbols: Array(text.utf8)[...]) == nil)
    }

    @Test(arguments: 0..<40)
    func roundTrips(_ length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 91 &+ 7) }
        #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
    }
}
