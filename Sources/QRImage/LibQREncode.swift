internal import CQREncode
import SystemIO
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

// The only file of this target that touches libqrencode: the `QRcode` it returns
// is owned here and copied into Swift values before it is freed.

/// Owns one `QRcode` from libqrencode; its modules are copied out before it is freed.
private final class EncodedSymbol {
    private let code: UnsafeMutablePointer<QRcode>

    /// Encodes `bytes` in 8-bit mode at level M, in the smallest version (0 = choose).
    init(_ bytes: [UInt8]) throws {
        guard let code = QRcode_encodeData(Int32(bytes.count), bytes, 0, QR_ECLEVEL_M) else {
            throw encodeError(errno, byteCount: bytes.count)
        }
        self.code = code
    }

    deinit { QRcode_free(code) }

    var version: Int { Int(code.pointee.version) }

    var size: Int { Int(code.pointee.width) }

    /// Row-major, `true` for a dark module.
    func darkModules() -> [Bool] {
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        UnsafeBufferPointer(start: code.pointee.data, count: size * size).map { $0 & 1 == 1 }
    }
}

/// Turns the `errno` of a failed `QRcode_encodeData` into a typed error.
private func encodeError(_ code: Int32, byteCount: Int) -> any Error {
    switch code {
    case ERANGE: QRCode.Error.tooLong(bytes: byteCount)
    default: IOError(errnoCode: code, reason: "QRcode_encodeData")
    }
}

/// The version, modules per side and row-major dark modules of the smallest
/// level-M symbol holding `bytes`.
func encodeSymbol(_ bytes: [UInt8]) throws -> (version: Int, size: Int, modules: [Bool]) {
    let symbol = try EncodedSymbol(bytes)
    return (symbol.version, symbol.size, symbol.darkModules())
}
