import Testing
@testable import Encoding

struct Base32Tests {
    /// RFC 4648 §10.
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="),
        ("foob", "MZXW6YQ="), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======"),
    ]

    @Test(arguments: rfc4648)
    func encodesWithoutPadding(_ plain: String, _ encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded.filter { $0 != "=" })
    }

    @Test(arguments: rfc4648)
    func decodesPaddedAndUnpadded(_ plain: String, _ encoded: String) throws {
        #expect(try Base32.decode(encoded) == Array(plain.utf8))
        #expect(try Base32.decode(encoded.filter { $0 != "=" }) == Array(plain.utf8))
    }

    @Test(arguments: ["jbswy3dpehpk3pxp", "JBSW Y3DP EHPK 3PXP", "jbsw-y3dp-ehpk-3pxp", "JBSWY3DPEHPK3PXP"])
    func toleratesCaseSpacesAndHyphens(_ text: String) throws {
        #expect(try Base32.decode(text) == Array("Hello!".utf8) + [0xDE, 0xAD, 0xBE, 0xEF])
    }

    @Test(arguments: [("JBSW1", "1", 4), ("JBSW0", "0", 4), ("AB8C", "8", 2), ("ABé", "é", 2), ("MZ!XW", "!", 2)])
    func namesTheInvalidCharacter(_ text: String, _ character: Character, _ position: Int) {
        #expect(throws: Base32.Error.invalidCharacter(character, position: position)) { try Base32.decode(text) }
    }

    @Test(arguments: ["A", "ABC", "ABCDEF", "ABCDEFGHA"])
    func refusesImpossibleLengths(_ text: String) {
        #expect(throws: Base32.Error.self) { try Base32.decode(text) }
    }

    @Test(arguments: ["MY==MY==", "MZXW6YQ==", "=MY"])
    func refusesMisplacedPadding(_ text: String) {
        #expect(throws: Base32.Error.self) { try Base32.decode(text) }
    }

    @Test(arguments: 0..<64)
    func roundTripsEveryLength(_ length: Int) throws {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
    }
}
