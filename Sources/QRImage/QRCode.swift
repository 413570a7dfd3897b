/// A QR code symbol: the square of dark and light modules that encodes a text,
/// ready to be drawn as PNG, SVG or terminal text.
///
/// The text is encoded byte for byte in 8-bit mode (so every byte of a URI
/// reads back exactly), at error correction level M (15 % of the symbol may be
/// lost, the level authenticator tutorials use), in the smallest version that
/// holds it.
public struct QRCode: Sendable, Hashable {
    /// Why a text cannot be encoded or drawn.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// An empty text: libqrencode makes no symbol of nothing.
        case empty
        /// More bytes than the largest symbol holds.
        case tooLong(bytes: Int)
        /// Pixels per module outside `QRCode.scales`.
        case invalidScale(Int)
        /// libqrencode or libpng failed; `reason` is the library's own word.
        case library(function: String, reason: String)

        public var description: String {
            switch self {
            case .empty: "there is no text to encode"
            case .tooLong(let bytes):
                "the text is \(bytes) bytes; a QR code at error correction level M holds at most \(QRCode.maximumBytes)"
            case .invalidScale(let scale):
                "scale must be \(QRCode.scales.lowerBound) to \(QRCode.scales.upperBound) pixels per module, not \(scale)"
            case .library(let function, let reason): "\(function) failed: \(reason)"
            }
        }
    }

    /// The most bytes a symbol holds in 8-bit mode at level M (version 40, ISO/IEC 18004 table 7).
    public static let maximumBytes = 2331

    /// Light modules around the symbol that a reader needs to find it (ISO/IEC 18004 asks for 4).
    public static let quietZone = 4

    /// Pixels per module a drawing may use: at 32 the largest symbol is already 5,920 pixels wide.
    public static let scales = 1...32

    /// Pixels per module by default. A typical URI (about 100 bytes: version 5
    /// or 6, 45 or 49 modules with the quiet zone) is then 270 to 294 pixels
    /// wide, about 7 cm on a laptop screen, which a phone reads from arm's
    /// length; modules of 1.6 mm at 96 dpi keep even a version 10 symbol (a
    /// 512-bit secret) easy to scan at 390 pixels.
    public static let defaultScale = 6

    /// The symbol's version, 1 to 40; each step adds 4 modules a side.
    public let version: Int

    /// Modules per side, without the quiet zone.
    public let size: Int

    /// Row-major, `true` for a dark module.
    private let modules: [Bool]

    /// Encodes `text` (its UTF-8 bytes) in the smallest symbol that holds it.
    public init(encoding text: String) throws {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw Error.empty }
        (version, size, modules) = try encodeSymbol(bytes)
    }

    /// Whether the module at `row`, `column` (0-based, quiet zone excluded) is dark.
    public subscript(row: Int, column: Int) -> Bool {
        precondition((0..<size).contains(row) && (0..<size).contains(column), "module outside the symbol")
        return modules[row * size + column]
    }

    /// Whether the module at `row`, `column` of the symbol with its quiet zone is dark.
    func isDark(withQuietZone row: Int, _ column: Int) -> Bool {
        let row = row - Self.quietZone, column = column - Self.quietZone
        return (0..<size).contains(row) && (0..<size).contains(column) && modules[row * size + column]
    }

    /// Modules per side, with the quiet zone.
    var sideWithQuietZone: Int { size + 2 * Self.quietZone }

    static func checkScale(_ scale: Int) throws {
        guard scales.contains(scale) else { throw Error.invalidScale(scale) }
    }
}
