internal import CLinux
import Glibc
import SystemIO

/// Text handed to worker processes as a descriptor: an anonymous in-memory
/// file (`memfd`), so every worker of a generation reads exactly the bytes
/// the master read and checked, whatever happens to the file on disk meanwhile.
public final class InheritedText: Sendable {
    let descriptor: Int32

    public init(_ text: String) throws(IOError) {
        descriptor = try systemCall("memfd_create") { clinux_memfd_create("totpgate-config") }
        do {
            try FileDescriptorIO.writeAll(Array(text.utf8), to: descriptor, path: "the config text")
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit {
        close(descriptor)
    }

    /// The text of an inherited descriptor, read from its start (workers of a
    /// generation share the descriptor's offset, so each reads by position).
    static func read(_ descriptor: Int32) throws(IOError) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try systemCall("read the config text") {
                chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(bytes.count)) }
            }
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes += chunk[..<count]
        }
    }
}
