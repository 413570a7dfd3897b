import Encoding
import FuzzSupport

/// `Base32`, which reads TOTP secrets from `--totp-secret`, `code --secret`
/// and Key URIs.
///
/// - the input's bytes encode to upper-case alphabet symbols only, ⌈8n/5⌉ of
///   them, and decode back to themselves;
/// - the input read as text either decodes or is refused with an error that
///   points at what is wrong: a character outside the alphabet at the position
///   given, a symbol count no encoder writes, or padding out of place;
/// - what decodes gives 5 bits a symbol in whole bytes, and lower case, spaces
///   and hyphens change nothing: re-encoding gives the same symbols but for the
///   unused low bits of the last one.
@main
enum Base32Fuzzer: FuzzTarget {
    static func check(_ bytes: [UInt8]) {
        requireRoundTrip(bytes, encode: Base32.encode, decode: { try? Base32.decode($0) }, symbols: { ($0 * 8 + 4) / 5 },
                         alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        checkDecoding(String(decoding: bytes, as: UTF8.self))
    }
}

private func checkDecoding(_ text: String) {
    let symbols = text.filter(isSymbol)
    let decoded: [UInt8]
    do {
        decoded = try Base32.decode(text)
    } catch {
        switch error {
        case .invalidCharacter(let character, let position):
            require(Array(text)[position] == character && !isSymbol(character) && !" -=".contains(character),
                    "\(text.debugDescription): \(character.debugDescription) at \(position) is not what is wrong")
        case .invalidLength(let count):
            require(count == symbols.count && [1, 3, 6].contains(count % 8), "\(text.debugDescription): \(count) symbols is a fine length")
        case .misplacedPadding:
            require(text.contains("="), "\(text.debugDescription) has no padding to misplace")
        }
        return
    }
    require(decoded.count == symbols.count * 5 / 8, "\(text.debugDescription) gave \(decoded.count) bytes")
    let normal = text.filter { !" -=".contains($0) }.uppercased()
    let again = Base32.encode(decoded)
    require(again.utf8.count == normal.utf8.count && again.dropLast() == normal.dropLast(),
            "\(text.debugDescription) decodes to bytes that encode as \(again)")
}

/// A base32 symbol in either case.
private func isSymbol(_ character: Character) -> Bool {
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz234567".contains(character)
}
