internal import CPNG

// The only file of this target that touches libpng: the write struct, its
// error buffer and every pointer handed to libpng live here. The calls that can
// fail run in the setjmp-guarded C of CPNG's shim.h.

/// Throws the typed error for a libpng call that failed; `reason` is read only then.
private func check(_ succeeded: Bool, _ function: StaticString, _ reason: @autoclosure () -> String) throws {
    guard succeeded else { throw QRCode.Error.library(function: "\(function)", reason: reason()) }
}

/// Owns one libpng write struct, its info struct and the buffer its error
/// handler fills, and collects the bytes libpng writes.
private final class PNGWriter {
    private var png: OpaquePointer?
    private var info: OpaquePointer?
    private let errorMessage: UnsafeMutablePointer<CChar>
    private var output: [UInt8] = []

    init() throws {
        errorMessage = .allocate(capacity: Int(CPNG_ERROR_CAPACITY))
        errorMessage.initialize(repeating: 0, count: Int(CPNG_ERROR_CAPACITY))
        // Every stored property is set, so deinit runs even when init throws, and frees what was made.
        png = cpng_create_write_struct(errorMessage)
        try check(png != nil, "png_create_write_struct", "out of memory")
        info = png_create_info_struct(png)
        try check(info != nil, "png_create_info_struct", "out of memory")
        png_set_write_fn(png, Unmanaged.passUnretained(self).toOpaque(), { png, data, length in
            guard let data, let writer = png_get_io_ptr(png) else { return }
            Unmanaged<PNGWriter>.fromOpaque(writer).takeUnretainedValue().output
                .append(contentsOf: UnsafeBufferPointer(start: data, count: length))
        }, { _ in })  // Without a flush function libpng would fflush the I/O pointer as a FILE *.
    }

    deinit {
        png_destroy_write_struct(&png, &info)
        errorMessage.deallocate()
    }

    /// Writes a greyscale image whose rows are given as pointers, and returns the PNG file's bytes.
    func write(width: Int, height: Int, bitDepth: Int32, rows: inout [UnsafeMutablePointer<UInt8>?]) throws -> [UInt8] {
        output.reserveCapacity(1024)
        // Measured on the benchmark URI (bench/micro): a QR code's rows repeat
        // whole, which deflate finds best unfiltered; level 4 is as small as
        // level 9 to within 10 % in a sixth of the time, and memory level 4
        // (a 4 KiB hash table, not 64 KiB) spares clearing a table far larger
        // than an image of a few kilobytes needs.
        let compressionLevel: Int32 = 4, memoryLevel: Int32 = 4
        try check(cpng_write_gray(png, info, UInt32(width), UInt32(height), bitDepth, PNG_FILTER_NONE,
                                  compressionLevel, memoryLevel, &rows) == 0,
                  "libpng", String(cString: errorMessage))
        return output
    }
}

/// A greyscale PNG, `width` pixels wide, of the packed rows in `rows` (`rowBytes`
/// each), every one of them repeated `repeats` times.
func grayscalePNG(width: Int, bitDepth: Int32, rows: [UInt8], rowBytes: Int, repeatingEachRow repeats: Int) throws -> [UInt8] {
    precondition(!rows.isEmpty && rows.count % rowBytes == 0, "at least one row, and only whole rows")
    let height = rows.count / rowBytes * repeats
    let writer = try PNGWriter()
    return try rows.withUnsafeBufferPointer { pixels in
        // A non-empty array always has storage (checked above).
        guard let base = pixels.baseAddress else { fatalError("no storage for \(rows.count) bytes") }
        // libpng copies each row before touching it; `mutating` only answers C's missing const.
        let first = UnsafeMutablePointer(mutating: base)
        var rowPointers = (0..<height).map { Optional(first + $0 / repeats * rowBytes) }
        return try writer.write(width: width, height: height, bitDepth: bitDepth, rows: &rowPointers)
    }
}
