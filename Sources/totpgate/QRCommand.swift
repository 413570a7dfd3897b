import ArgumentParser
import Foundation
import OTP
import QRImage
import SystemIO

struct QRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Write the QR image of an otpauth:// URI for an authenticator app to scan.",
        discussion: """
            With --png or --svg the image goes to that file, readable by its owner only \
            (it holds the secret), or to standard output for `-`; with neither, it is drawn in the terminal.
            """
    )

    @Option(help: "The otpauth://totp/ URI to encode, as `totpgate uri` prints it.")
    var uri: String

    @Option(help: ArgumentHelp("Write a PNG image to this file (- for standard output).", valueName: "file"))
    var png: String?

    @Option(help: ArgumentHelp("Write an SVG image to this file (- for standard output).", valueName: "file"))
    var svg: String?

    @Option(help: "Pixels per module in the image file, \(QRCode.scales.lowerBound) to \(QRCode.scales.upperBound) (default: \(QRCode.defaultScale)).")
    var scale: Int?

    @Flag(help: "Draw dark modules in the text colour, for terminals with dark text on a light background.")
    var invert = false

    /// What RFC 3986 allows in a URI as it is; anything else must be percent-encoded.
    private static let uriCharacters = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")

    func validate() throws {
        // A code an authenticator app would misread or refuse is better refused here, before anyone
        // scans it: apps parse the URI strictly (iOS's URL parser refuses a raw space), and readers
        // guess the character set of raw non-ASCII bytes (zbar reads UTF-8 "é" as Shift-JIS).
        if let character = uri.first(where: { !Self.uriCharacters.contains($0) }) {
            throw ValidationError("--uri: \(String(character).debugDescription) must be percent-encoded, as `totpgate uri` does")
        }
        do { _ = try KeyURI(parsing: uri) } catch { throw ValidationError("--uri: \(error)") }
        if png != nil && svg != nil { throw ValidationError("give --png or --svg, not both") }
        if let scale {
            guard png != nil || svg != nil else { throw ValidationError("--scale applies to --png and --svg only") }
            guard QRCode.scales.contains(scale) else { throw ValidationError(QRCode.Error.invalidScale(scale).description) }
        }
        if invert && (png != nil || svg != nil) { throw ValidationError("--invert applies to terminal output only") }
    }

    func run() throws {
        let code = try QRCode(encoding: uri)
        if let png {
            try writeImage(try code.pngData(scale: scale ?? QRCode.defaultScale), to: png)
        } else if let svg {
            try writeImage(Array(try code.svg(scale: scale ?? QRCode.defaultScale).utf8), to: svg)
        } else {
            print(code.terminalText(invert: invert), terminator: "")
        }
    }

    /// Writes the image to standard output for `-`, else to the file `path`, which only its owner may read.
    private func writeImage(_ bytes: [UInt8], to path: String) throws {
        if path == "-" {
            try FileDescriptorIO.writeAll(bytes, to: STDOUT_FILENO, path: "standard output")
        } else {
            try writeOwnerOnly(bytes, to: path)
        }
    }
}
