import Foundation
import SystemIO

/// Writes `bytes` to the file at `path`, readable and writable by its owner only
/// from the moment it exists, since what totpgate writes (QR images) holds secrets.
func writeOwnerOnly(_ bytes: [UInt8], to path: String) throws {
    let descriptor = try systemCall("cannot write \(path)") { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
    defer { close(descriptor) }
    // An existing file keeps its mode through O_TRUNC; narrow it before the secret goes in.
    try systemCall("cannot write \(path)") { fchmod(descriptor, 0o600) }
    try FileDescriptorIO.writeAll(bytes, to: descriptor, path: path)
}
