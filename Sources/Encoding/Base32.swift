/// Base32 of RFC 4648 §6, the encoding of TOTP secrets.
public enum Base32 {
    /// Why a string is not base32.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// A character outside the alphabet, with its position among the characters.
        case invalidCharacter(Character, position: Int)
        /// A length no encoder produces (1, 3 or 6 characters in the last group).
        case invalidLength(Int)
        /// Padding in the middle, or too much of it.
        case misplacedPadding

        public var description: String {
            switch self {
            case .invalidCharacter(let character, let position):
                "invalid base32 character \(character.debugDescription) at position \(position + 1)"
            case .invalidLength(let count):
                "invalid base32 length: \(count) characters cannot encode whole bytes"
            case .misplacedPadding:
                "invalid base32 padding"
            }
        }
    }

    @usableFromInline static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Maps an ASCII byte to its 5-bit value; 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() {
            table[Int(symbol)] = UInt8(value)
            table[Int(symbol | 0x20)] = UInt8(value)  // lower case letters; digits map to themselves
        }
        return table
    }()

    /// Encodes `bytes` in upper case without `=` padding, as authenticator apps expect.
    @inlinable
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `text`, accepting lower case, spaces and hyphens between groups,
    /// and missing trailing padding.
    public static func decode(_ text: String) throws(Error) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        var symbols = 0
        var padding = 0
        for (position, character) in text.enumerated() {
            if character == " " || character == "-" { continue }
            if character == "=" {
                padding += 1
                continue
            }
            guard padding == 0 else { throw .misplacedPadding }
            guard let ascii = character.asciiValue, case let value = values[Int(ascii)], value != 0xFF else {
                throw .invalidCharacter(character, position: position)
            }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            symbols += 1
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // A final group of 8 symbols encodes 5 bytes; only 2, 4, 5 or 7 leftover symbols are whole bytes.
        let leftover = symbols % 8
        guard [0, 2, 4, 5, 7].contains(leftover) else { throw .invalidLength(symbols) }
        if padding > 0 && (symbols + padding) % 8 != 0 { throw .misplacedPadding }
        return output
    }
}
