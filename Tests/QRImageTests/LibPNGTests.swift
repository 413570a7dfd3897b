import Testing
@testable import QRImage

struct LibPNGTests {
    /// libpng's errors arrive by longjmp into the shim; they must come back as typed errors, with libpng's reason.
    @Test(arguments: [(0, Int32(1)), (8, Int32(3))])
    func libpngErrorsBecomeTypedErrors(_ width: Int, _ bitDepth: Int32) {
        #expect(throws: QRCode.Error.library(function: "libpng", reason: "Invalid IHDR data")) {
            try grayscalePNG(width: width, bitDepth: bitDepth, rows: [0xFF], rowBytes: 1, repeatingEachRow: 1)
        }
    }

    @Test func repeatsEachRow() throws {
        let png = try PNGFile(grayscalePNG(width: 8, bitDepth: 1, rows: [0x00, 0xFF], rowBytes: 1, repeatingEachRow: 3))
        #expect(png.width == 8)
        #expect(png.height == 6)
    }
}
