#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing whole buffers through a file descriptor: the loops
/// that short and interrupted transfers need, written once.
public enum FileDescriptorIO {
    /// Writes every byte of `bytes` to `descriptor`; `path` names it in errors.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(IOError) {
        var written = 0
        while written < bytes.count {
            written += try systemCall("write \(path)") {
                // Not empty (written < count), so the base address exists.
                bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            }
        }
    }

    /// Everything `descriptor` holds from its position to its end; `path` names it in errors.
    public static func readAll(from descriptor: Int32, path: String) throws(IOError) -> [UInt8] {
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try systemCall("read \(path)") { buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) } }
            if count == 0 { return contents }
            contents += buffer[..<count]
        }
    }
}
