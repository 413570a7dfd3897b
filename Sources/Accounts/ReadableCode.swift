import Crypto

/// Random codes for people to read and type: groups of five characters from
/// Crockford's base32 alphabet (digits and lower-case letters without i, l,
/// o, u), 5 bits a character, joined by hyphens — `7kq2m-x9d4f`.
public enum ReadableCode {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    static let groupLength = 5

    /// A new code of `groups` groups: 25 bits of randomness each.
    public static func generate(groups: Int) throws -> String {
        // 256 is a multiple of 32, so masking a random byte picks every character equally often.
        let characters = try SecureRandom.bytes(count: groups * groupLength).map { alphabet[Int($0 & 31)] }
        return stride(from: 0, to: characters.count, by: groupLength)
            .map { String(decoding: characters[$0..<($0 + groupLength)], as: UTF8.self) }
            .joined(separator: "-")
    }

    /// The code as typed, reduced to its characters: case, spaces and hyphens
    /// ignored, and the look-alikes o → 0, i and l → 1 read as Crockford
    /// does. Nil unless that leaves `groups` groups of alphabet characters.
    static func normalise(_ text: String, groups: Int) -> String? {
        var characters: [UInt8] = []
        for byte in text.lowercased().utf8 where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "-") {
            let character = switch byte {
            case UInt8(ascii: "o"): UInt8(ascii: "0")
            case UInt8(ascii: "i"), UInt8(ascii: "l"): UInt8(ascii: "1")
            default: byte
            }
            guard alphabet.contains(character) else { return nil }
            characters.append(character)
        }
        guard characters.count == groups * groupLength else { return nil }
        return String(decoding: characters, as: UTF8.self)
    }
}
