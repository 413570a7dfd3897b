import Testing
@testable import Encoding

struct PercentEncodingTests {
    @Test(arguments: [
        ("a b", "a%20b"), ("a+b", "a%2Bb"), ("a:b", "a%3Ab"), ("ü", "%C3%BC"),
        ("safe-._~AZaz09", "safe-._~AZaz09"), ("a&b=c", "a%26b%3Dc"), ("/?#", "%2F%3F%23"),
    ])
    func encodesReservedAndNonASCIIBytes(_ plain: String, _ encoded: String) throws {
        #expect(PercentEncoding.encode(plain) == encoded)
        #expect(try PercentEncoding.decode(encoded) == plain)
    }

    @Test func keepsAllowedCharacters() {
        #expect(PercentEncoding.encode("alice@example.com", allowing: "@") == "alice@example.com")
    }

    @Test(arguments: [("a+b", true, "a b"), ("a+b", false, "a+b"), ("%2b", true, "+"), ("%7e", false, "~")])
    func decodesPlusOnlyWhenAsked(_ text: String, _ plusAsSpace: Bool, _ decoded: String) throws {
        #expect(try PercentEncoding.decode(text, plusAsSpace: plusAsSpace) == decoded)
    }

    @Test(arguments: ["%", "%2", "%G0", "abc%", "%zz", "%C3", "%FF%FE"])
    func refusesInvalidEscapesAndInvalidUTF8(_ text: String) {
        #expect(throws: PercentEncoding.Error.self) { try PercentEncoding.decode(text) }
    }
}
