/// Values read front to back from the bytes libFuzzer hands over, so one
/// input can describe a structure (fields of a session, pairs of a form).
/// Once the bytes run out every read gives zero or empty: any input is usable.
public struct FuzzInput {
    private var bytes: ArraySlice<UInt8>

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes[...]
    }

    /// Whether every byte has been read.
    public var isEmpty: Bool { bytes.isEmpty }

    /// The next byte, or 0.
    public mutating func byte() -> UInt8 {
        bytes.popFirst() ?? 0
    }

    /// One bit of the next byte.
    public mutating func bool() -> Bool {
        byte() & 1 == 1
    }

    /// An integer from the next `T.bitWidth / 8` bytes, little-endian.
    public mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) -> T {
        (0..<(T.bitWidth / 8)).reduce(T.zero) { value, index in value | T(truncatingIfNeeded: byte()) << (8 * index) }
    }

    /// One of `options` (not empty), picked by the next byte.
    public mutating func pick<T>(_ options: [T]) -> T {
        options[Int(byte()) % options.count]
    }

    /// The bytes up to the next `separator` (which is consumed), or to the end.
    public mutating func field(separator: UInt8 = UInt8(ascii: "\n")) -> ArraySlice<UInt8> {
        let end = bytes.firstIndex(of: separator) ?? bytes.endIndex
        let field = bytes[..<end]
        bytes = end < bytes.endIndex ? bytes[(end + 1)...] : bytes[end...]
        return field
    }

    /// The next field as text: invalid UTF-8 repaired, as a String from the web server would be.
    public mutating func text(separator: UInt8 = UInt8(ascii: "\n")) -> String {
        String(decoding: field(separator: separator), as: UTF8.self)
    }

    /// Every byte not read yet.
    public mutating func rest() -> ArraySlice<UInt8> {
        defer { bytes = bytes[bytes.endIndex...] }
        return bytes
    }
}
