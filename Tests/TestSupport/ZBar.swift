import Foundation

/// Why a QR image could not be read back.
public enum DecodeError: Error, CustomStringConvertible {
    case zbarimgMissing
    case unreadable(status: Int32, stderr: String)

    public var description: String {
        switch self {
        case .zbarimgMissing: "zbarimg (Debian's zbar-tools package) must be installed"
        case .unreadable(let status, let stderr): "zbarimg found no QR code (exit \(status)): \(stderr)"
        }
    }
}

/// The text of the one QR code in the image file at `path`, read by zbarimg:
/// an independent decoder, so a test fails (never skips) when it is missing.
public func decodeQR(imageAt path: String) throws -> String {
    guard let zbarimg = which("zbarimg") else { throw DecodeError.zbarimgMissing }
    // `-Sbinary` prints the symbol's bytes exactly: without it zbar guesses a
    // character set for 8-bit data, and reads raw UTF-8 "é" as Shift-JIS.
    let result = try run(zbarimg, ["--raw", "-Sbinary", "-q", path])
    guard result.status == 0 else { throw DecodeError.unreadable(status: result.status, stderr: result.stderr) }
    return result.stdout
}

/// The text of the one QR code in `png` (a PNG file's bytes), read by zbarimg.
public func decodeQR(png: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).png").path
    try Data(png).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try decodeQR(imageAt: path)
}
