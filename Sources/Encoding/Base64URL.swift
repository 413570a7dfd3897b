/// Unpadded base64url (RFC 4648 §5): the cookie-safe alphabet.
///
/// The generic functions of this target are `@inlinable`: every signed
/// cookie is decoded here, and a generic function called from another module
/// runs unspecialised, walking its string through witness tables at five
/// times the cost.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    @usableFromInline static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(value) }
        return table
    }()

    /// `bytes` encoded without padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        encode(bytes, appendingTo: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends `bytes`, encoded without padding, to `output`: for a value built as bytes (a signed cookie).
    public static func encode(_ bytes: [UInt8], appendingTo output: inout [UInt8]) {
        let alphabet = alphabet  // once, not a lazy global's check per symbol
        output.reserveCapacity(output.count + (bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(chunk >> 18)])
            output.append(alphabet[Int((chunk >> 12) & 63)])
            output.append(alphabet[Int((chunk >> 6) & 63)])
            output.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let chunk = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            let symbols = rest == 2 ? [18, 12, 6] : [18, 12]
            for shift in symbols { output.append(alphabet[Int((chunk >> UInt32(shift)) & 63)]) }
        }
    }

    /// The bytes of unpadded base64url `text`, or nil when it is not that.
    @inlinable
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(symbols: text.utf8)
    }

    /// The bytes of unpadded base64url `symbols` (its ASCII bytes), or nil when it is not that:
    /// for text already held as bytes, whose slices iterate faster than a String's.
    @inlinable
    public static func decode(symbols: some Collection<UInt8>) -> [UInt8]? {
        guard symbols.count % 4 != 1 else { return nil }
        let table = values
        var output = [UInt8](repeating: 0, count: symbols.count * 3 / 4)
        var written = 0
        var buffer: UInt32 = 0
        var bits = 0
        for symbol in symbols {
            let value = table[Int(symbol)]
            guard value != 0xFF else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output[written] = UInt8(truncatingIfNeeded: buffer >> UInt32(bits))
                written += 1
            }
        }
        // Leftover bits must be zero, so each byte string has exactly one encoding.
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }
}
