extension QRCode {
    /// The symbol as a PNG file: black on white with the quiet zone, `scale`
    /// pixels per module, one bit per pixel (a QR code has two colours, so the
    /// file stays a few hundred bytes).
    public func pngData(scale: Int = QRCode.defaultScale) throws -> [UInt8] {
        try Self.checkScale(scale)
        let side = sideWithQuietZone
        let width = side * scale
        let rowBytes = (width + 7) / 8
        // One packed row per module row, all white (1) at first; libpng repeats each `scale` times.
        var rows = [UInt8](repeating: 0xFF, count: side * rowBytes)
        for row in 0..<size {
            let rowStart = (row + Self.quietZone) * rowBytes
            for column in 0..<size where self[row, column] {
                let firstPixel = (column + Self.quietZone) * scale
                for x in firstPixel..<firstPixel + scale {
                    rows[rowStart + x / 8] &= ~(0x80 >> UInt8(x % 8))
                }
            }
        }
        return try grayscalePNG(width: width, bitDepth: 1, rows: rows, rowBytes: rowBytes, repeatingEachRow: scale)
    }
}
