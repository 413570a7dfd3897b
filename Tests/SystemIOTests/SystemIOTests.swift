import Foundation
import Testing
@testable import SystemIO

struct IOErrorTests {
    @Test func aFailedCallThrowsItsErrnoWithTheReason() throws {
        let path = "/nonexistent-\(UUID().uuidString)"
        #expect(throws: IOError(errnoCode: ENOENT, reason: "open \(path)")) {
            try systemCall("open \(path)") { open(path, O_RDONLY) }
        }
    }

    @Test func readsAsTheOperationThenTheSystemsWords() {
        #expect(IOError(errnoCode: EACCES, reason: "open /x").description == "open /x: Permission denied")
    }

    @Test func aSuccessfulCallReturnsItsResult() throws {
        let descriptor = try systemCall("open /dev/null") { open("/dev/null", O_RDONLY | O_CLOEXEC) }
        defer { close(descriptor) }
        #expect(descriptor >= 0)
    }
}

struct FileDescriptorIOTests {
    /// More than one read buffer and more than a pipe holds, so both loops go round.
    @Test func writesAndReadsBackEveryByte() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("systemio-\(UUID().uuidString)").path
        defer { unlink(path) }
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let descriptor = try systemCall("create \(path)") { open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        defer { close(descriptor) }
        try FileDescriptorIO.writeAll(bytes, to: descriptor, path: path)
        try systemCall("lseek \(path)") { lseek(descriptor, 0, SEEK_SET) }
        #expect(try FileDescriptorIO.readAll(from: descriptor, path: path) == bytes)
    }

    @Test func aWriteToAReadOnlyDescriptorNamesThePath() throws {
        let descriptor = try systemCall("open /dev/null") { open("/dev/null", O_RDONLY | O_CLOEXEC) }
        defer { close(descriptor) }
        #expect(throws: IOError(errnoCode: EBADF, reason: "write /dev/null")) {
            try FileDescriptorIO.writeAll([1, 2, 3], to: descriptor, path: "/dev/null")
        }
    }
}
