import CPNG
import Testing

/// A PNG file's pixels as 8-bit grey, read by libpng's simplified API, which
/// (unlike the writer's API) reports errors without setjmp.
struct PNGPixels {
    let width: Int
    let height: Int
    private let grey: [UInt8]

    init(_ png: [UInt8]) throws {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        try #require(png_image_begin_read_from_memory(&image, png, png.count) != 0, "\(Self.message(image))")
        image.format = UInt32(PNG_FORMAT_GRAY)
        (width, height) = (Int(image.width), Int(image.height))
        var grey = [UInt8](repeating: 0x7F, count: width * height)
        try #require(png_image_finish_read(&image, nil, &grey, 0, nil) != 0, "\(Self.message(image))")
        self.grey = grey
    }

    /// Whether the pixel is black (0) rather than white (255); anything else fails the test.
    func isBlack(x: Int, y: Int) -> Bool {
        let value = grey[y * width + x]
        #expect(value == 0 || value == 255, "pixel \(x), \(y) is grey \(value)")
        return value == 0
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
