import Foundation
import Synchronization
import TestSupport
import Testing
@testable import Accounts
import TestSupport

/// The permission bits of the file at `path`.
func mode(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
}

struct DataDirectoryTests {
    let temporary: TemporaryDirectory

    init() throws {
        temporary = try TemporaryDirectory()
    }

    @Test func createsTheDirectoryWithMode0700() throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        #expect(try mode(directory.path) == 0o700)
    }

    @Test func refusesAPathThatIsAFile() throws {
        #expect(FileManager.default.createFile(atPath: temporary.path("file"), contents: Data()))
        #expect(throws: DataDirectoryError.notADirectory(temporary.path("file"))) {
            try DataDirectory(path: temporary.path("file"))
        }
    }

    @Test func createsAKeyOnceWithMode0600() throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        let key = try directory.key(named: "test.key", size: 32)
        #expect(key.count == 32)
        #expect(try mode(directory.path(of: "test.key")) == 0o600)
        #expect(try directory.key(named: "test.key", size: 32) == key)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["test.key"])
    }

    @Test func workersCreatingAKeyAtOnceAllGetTheSameOne() throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        let keys = Mutex<[[UInt8]?]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let key = try? directory.key(named: "shared.key", size: 32)
            keys.withLock { $0.append(key) }
        }
        let all = keys.withLock { $0 }
        #expect(all.count == 8)
        #expect(all[0] != nil)
        #expect(Set(all).count == 1)
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o660, 0o700])
    func refusesAKeyFileTheGroupOrOthersMayAccess(_ permissions: Int) throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        _ = try directory.key(named: "test.key", size: 32)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: directory.path(of: "test.key"))
        let refused = permissions & 0o077 != 0
        if refused {
            #expect(throws: DataDirectoryError.unsafePermissions(path: directory.path(of: "test.key"), mode: UInt32(0o100000 | permissions))) {
                try directory.key(named: "test.key", size: 32)
            }
        } else {
            #expect(try directory.key(named: "test.key", size: 32).count == 32)
        }
    }

    @Test(arguments: [0, 16, 31, 33])
    func refusesAKeyFileOfTheWrongSize(_ size: Int) throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        try directory.replaceSecretFile(named: "test.key", with: [UInt8](repeating: 1, count: size))
        #expect(throws: DataDirectoryError.wrongKeySize(path: directory.path(of: "test.key"), expected: 32, found: size)) {
            try directory.key(named: "test.key", size: 32)
        }
    }

    @Test func replacesASecretFileAtomicallyWithMode0600() throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        #expect(try directory.readSecretFile(named: "ring") == nil)
        try directory.replaceSecretFile(named: "ring", with: Array("one".utf8))
        try directory.replaceSecretFile(named: "ring", with: Array("two".utf8))
        #expect(try directory.readSecretFile(named: "ring") == Array("two".utf8))
        #expect(try mode(directory.path(of: "ring")) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ring"])
    }

    @Test func createIfAbsentKeepsAnExistingFile() throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        try directory.replaceSecretFile(named: "ring", with: [1])
        #expect(try directory.createSecretFileIfAbsent(named: "ring") { [2] } == [1])
    }

    @Test(arguments: ["", "a/b", ".hidden", ".."])
    func refusesFileNamesOutsideTheDirectoryOrHidden(_ name: String) throws {
        let directory = try DataDirectory(path: temporary.path("var"))
        #expect(throws: DataDirectoryError.invalidFileName(name)) { try directory.replaceSecretFile(named: name, with: [1]) }
    }
}
