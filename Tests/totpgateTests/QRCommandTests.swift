import Foundation
import QRImage
import TestSupport
import Testing

struct QRCommandTests {
    static let uri = "otpauth://totp/Big%20Corp:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Big%20Corp"

    /// A new empty directory, removed by `body`'s end.
    func inTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qr-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    func permissions(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test(arguments: [
        uri,
        "otpauth://totp/ACME:ops?secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTCQKRMFYYDENBWHA5DYPSAIJCEMSCKJRHFAUSUKZMFUXC6MBRGIZTINJWG44DSOR3HQ6T4PY&issuer=ACME&algorithm=SHA512&digits=8&period=60",
    ])
    func writesAPNGThatDecodesToTheURIForItsOwnerOnly(_ uri: String) throws {
        try inTemporaryDirectory { directory in
            let png = directory.appendingPathComponent("enrol.png").path
            let result = try totpgate("qr", "--uri", uri, "--png", png)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.isEmpty && result.stderr.isEmpty)
            #expect(try decodeQR(imageAt: png) == uri)
            #expect(try permissions(png) == 0o600)
        }
    }

    @Test func scaleSetsPixelsPerModule() throws {
        try inTemporaryDirectory { directory in
            let png = directory.appendingPathComponent("big.png").path
            #expect(try totpgate("qr", "--uri", Self.uri, "--png", png, "--scale", "12").status == 0)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
            let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }  // IHDR's width, big-endian
            #expect(width == (try QRCode(encoding: Self.uri).size + 8) * 12)
            #expect(try decodeQR(imageAt: png) == Self.uri)
        }
    }

    @Test func writesTheLibrarysSVG() throws {
        try inTemporaryDirectory { directory in
            let svg = directory.appendingPathComponent("enrol.svg").path
            let result = try totpgate("qr", "--uri", Self.uri, "--svg", svg, "--scale", "4")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try String(contentsOfFile: svg, encoding: .utf8) == QRCode(encoding: Self.uri).svg(scale: 4))
            #expect(try permissions(svg) == 0o600)
        }
    }

    /// `-` is standard output, for a pipe (`| ssh host 'cat > qr.png'`) that leaves no file behind.
    @Test func aDashWritesThePNGToStandardOutput() throws {
        try inTemporaryDirectory { directory in
            let png = directory.appendingPathComponent("piped.png").path
            // Through a shell: the PNG's bytes must reach the file as they are, not decoded as text.
            let result = try run("/bin/sh", ["-c", "\"$0\" qr --uri \"$1\" --png - > \"$2\"", totpgatePath, Self.uri, png])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try decodeQR(imageAt: png) == Self.uri)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("-").path))
        }
    }

    @Test func aDashWritesTheSVGToStandardOutput() throws {
        let result = try totpgate("qr", "--uri", Self.uri, "--svg", "-", "--scale", "4")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (try QRCode(encoding: Self.uri).svg(scale: 4)))
    }

    @Test func narrowsAnExistingFileToItsOwner() throws {
        try inTemporaryDirectory { directory in
            let png = directory.appendingPathComponent("old.png").path
            try Data(repeating: 0, count: 100_000).write(to: URL(fileURLWithPath: png))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: png)
            #expect(try totpgate("qr", "--uri", Self.uri, "--png", png).status == 0)
            #expect(try permissions(png) == 0o600)
            #expect(try decodeQR(imageAt: png) == Self.uri)
        }
    }

    @Test(arguments: [false, true])
    func drawsInTheTerminalWithoutAFile(_ invert: Bool) throws {
        let result = invert ? try totpgate("qr", "--uri", Self.uri, "--invert") : try totpgate("qr", "--uri", Self.uri)
        #expect(result.status == 0)
        #expect(result.stdout == (try QRCode(encoding: Self.uri).terminalText(invert: invert)))
    }

    /// A valid URI (a 1,480-byte secret) that no QR version holds.
    static let tooLongURI = "otpauth://totp/a?secret=" + String(repeating: "A", count: 2368)

    @Test(arguments: [
        (["--uri", "https://example.com/"], "--uri: not an otpauth:// URI"),
        (["--uri", "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=1"], #"--uri: unsupported OTP type "hotp": only totp is supported"#),
        (["--uri", "otpauth://totp/a?secret=JBSW1"], "--uri: invalid secret"),
        (["--uri", "otpauth://totp/Big Corp:a?secret=JBSWY3DPEHPK3PXP"], #"--uri: " " must be percent-encoded"#),
        (["--uri", "otpauth://totp/Café:a?secret=JBSWY3DPEHPK3PXP"], #"--uri: "é" must be percent-encoded"#),
        (["--uri", tooLongURI], "holds at most 2331"),
        (["--uri", uri, "--png", "a.png", "--svg", "a.svg"], "give --png or --svg, not both"),
        (["--uri", uri, "--png", "a.png", "--scale", "0"], "scale must be 1 to 32 pixels per module, not 0"),
        (["--uri", uri, "--png", "a.png", "--scale", "33"], "scale must be 1 to 32 pixels per module, not 33"),
        (["--uri", uri, "--png", "a.png", "--scale", "x"], "--scale"),
        (["--uri", uri, "--scale", "8"], "--scale applies to --png and --svg only"),
        (["--uri", uri, "--svg", "a.svg", "--invert"], "--invert applies to terminal output only"),
        (["--uri", uri, "--png", "/nonexistent/a.png"], "cannot write /nonexistent/a.png: No such file or directory"),
        (["--uri", uri, "--svg", "/"], "cannot write /: Is a directory"),
        (["--png", "a.png"], "--uri"),
    ])
    func badInputIsOneLineOnStderrAndAFailure(_ arguments: [String], _ message: String) throws {
        try inTemporaryDirectory { directory in
            // File names without a directory go into the temporary one.
            let arguments = arguments.map { ($0 == "a.png" || $0 == "a.svg") ? directory.appendingPathComponent($0).path : $0 }
            let result = try run(totpgatePath, ["qr"] + arguments)
            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("totpgate: "))
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "no file is left behind")
        }
    }
}
