import Foundation

/// A file that could not be written, with the system's reason.
struct FileWriteError: Error, CustomStringConvertible {
    let path: String
    let reason: String

    var description: String { "cannot write \(path): \(reason)" }
}

/// Writes `bytes` to the file at `path`, readable and writable by its owner only
/// from the moment it exists, since what totpgate writes (QR images) holds secrets.
func writeOwnerOnly(_ bytes: [UInt8], to path: String) throws {
    func failure() -> FileWriteError { FileWriteError(path: path, reason: String(cString: strerror(errno))) }
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw failure() }
    defer { close(fd) }
    // An existing file keeps its mode through O_TRUNC; narrow it before the secret goes in.
    guard fchmod(fd, 0o600) == 0 else { throw failure() }
    var written = 0
    while written < bytes.count {
        let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if result < 0 && errno == EINTR { continue }
        guard result > 0 else { throw failure() }
        written += result
    }
}
