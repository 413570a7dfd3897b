import Foundation
import SystemIO
import TestSupport
import Testing
@testable import Accounts
import TestSupport

/// A refused permission names the owner and the fix. The tests cannot become
/// another user (one process runs every test), so they pass the uid that
/// totpgate would run as: files made here belong to the test's own user.
struct DataDirectoryOwnershipTests {
    let temporary: TemporaryDirectory
    let me = NSUserName()
    /// Debian's `nobody`, standing in for the service user.
    let service: uid_t = 65534

    init() throws {
        temporary = try TemporaryDirectory()
    }

    @Test func aFileOfAnotherUserNamesItsOwnerAndTheChown() throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        try directory.replaceSecretFile(named: "cookie.keys", with: [1])
        let file = directory.path(of: "cookie.keys")
        let error = DataDirectoryError.failure("open", file, in: directory.path, errno: EACCES, user: service)
        #expect(error as? DataDirectoryError == .notOwner(operation: "open", path: file, culprit: file, owner: me, user: "nobody",
                                   directory: directory.path))
        #expect("\(error)" == "open \(file): permission denied: it is owned by \(me), and totpgate runs as "
            + "nobody; run `chown -R nobody: \(directory.path)`")
    }

    @Test func aFileThatCannotBeSeenNamesTheDirectory() throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        let file = directory.path(of: "secrets.key")
        let error = DataDirectoryError.failure("open", file, in: directory.path, errno: EACCES, user: service)
        #expect(error as? DataDirectoryError == .notOwner(operation: "open", path: file, culprit: directory.path, owner: me, user: "nobody",
                                   directory: directory.path))
        #expect("\(error)".contains(": permission denied: \(directory.path) is owned by \(me), and totpgate"))
    }

    @Test(arguments: [ENOENT, EIO, EPERM])
    func otherErrorsAreTheSystemsOwn(_ code: Int32) throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        let file = directory.path(of: "totpgate.db")
        #expect(DataDirectoryError.failure("open", file, in: directory.path, errno: code, user: service) as? IOError
            == IOError(errnoCode: code, reason: "open \(file)"))
    }

    @Test func aRefusalOfFilesOfOurOwnIsAboutModesNotOwners() throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        let file = directory.path(of: "totpgate.db")
        #expect(DataDirectoryError.failure("open", file, in: directory.path, errno: EACCES, user: geteuid()) as? IOError
            == IOError(errnoCode: EACCES, reason: "open \(file)"))
    }

    @Test(arguments: ["var", "var/"])
    func aDirectoryThatCannotBeMadeSaysHowToMakeIt(_ name: String) throws {
        let path = temporary.path(name)
        let error = DataDirectoryError.creationFailure(path, errno: EACCES, user: service)
        #expect(error as? DataDirectoryError == .cannotCreate(path: path, parent: temporary.path, owner: me, user: "nobody"))
        #expect("\(error)" == "cannot create the data directory \(path): \(temporary.path) is owned by \(me), "
            + "and totpgate runs as nobody; create it for nobody: `mkdir -m 0700 \(path) && chown nobody: \(path)`")
    }

    @Test func aDirectoryThatCannotBeMadeForAnotherReasonSaysThat() {
        let path = temporary.path("var")
        #expect(DataDirectoryError.creationFailure(path, errno: EROFS, user: service) as? IOError
            == IOError(errnoCode: EROFS, reason: "mkdir \(path)"))
    }
}
