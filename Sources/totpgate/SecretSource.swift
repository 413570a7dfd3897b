import ArgumentParser
import Encoding
import Foundation
import OTP
import SystemIO

/// Where a command reads a base32 TOTP secret: the option's own value, a
/// file, or standard input. A value on the command line is visible to every
/// user of the machine in `ps`; a file or standard input is not.
struct SecretSource {
    /// The option's name, e.g. `--secret`; the others are it with `-file` and `-stdin`.
    let option: String
    let value: String?
    let file: String?
    let standardInput: Bool

    /// At most one source (exactly one when `required`), and a value given on
    /// the command line already checked.
    func validate(required: Bool) throws {
        let given = [value != nil, file != nil, standardInput].filter { $0 }.count
        guard given <= 1 else { throw ValidationError("give one of \(option), \(option)-file and \(option)-stdin") }
        guard given == 1 || !required else {
            throw ValidationError("give the secret with \(option)-file FILE or \(option)-stdin (or \(option) BASE32, which `ps` shows)")
        }
        if let value { _ = try decode(value) }
    }

    /// The secret's bytes, read from where it was given; nil when it was not given.
    func bytes() throws -> [UInt8]? {
        if let value { return try decode(value) }
        if let file {
            let descriptor = try systemCall("cannot read \(file)") { open(file, O_RDONLY | O_CLOEXEC) }
            defer { close(descriptor) }  // read-only: closing cannot lose data
            return try decode(String(decoding: FileDescriptorIO.readAll(from: descriptor, path: file), as: UTF8.self))
        }
        if standardInput { return try decode(String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)) }
        return nil
    }

    /// `text`'s bytes, the line break a file or `echo` ends it with ignored.
    private func decode(_ text: String) throws -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try Base32.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch {
            throw ValidationError("\(option): \(error)")
        }
        guard !bytes.isEmpty else { throw ValidationError("\(option): \(OTPError.emptySecret)") }
        return bytes
    }
}
