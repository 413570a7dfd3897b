import QRImage

// Renders the benchmark URI as PNG (and SVG and terminal text) `count` times,
// and fails to encode a too-long text as often, for bench/leak-check-qr to run
// under valgrind: every libqrencode and libpng handle must be freed, on the
// error path too.

let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1000
let uri = "otpauth://totp/totpgate:demo?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=totpgate"
let tooLong = String(repeating: "A", count: QRCode.maximumBytes + 1)

var pngBytes = 0, refused = 0
for _ in 0..<count {
    let code = try QRCode(encoding: uri)
    pngBytes += try code.pngData().count
    _ = try code.svg()
    _ = code.terminalText()
    do { _ = try QRCode(encoding: tooLong) } catch QRCode.Error.tooLong { refused += 1 }
}
precondition(refused == count, "a text over QRCode.maximumBytes must be refused")
print("rendered \(count) PNGs (\(pngBytes / count) bytes each); refused \(refused) too-long texts")
