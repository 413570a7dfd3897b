import Accounts
import Foundation
import TestSupport
import Testing
@testable import App

struct SigningKeyFileTests {
    @Test func createsAPrivateKeyFileOnFirstUse() throws {
        let directory = try TemporaryDirectory()
        let data = try DataDirectory(path: directory.path + "/data")
        let ring = try SigningKeyFile(dataDirectory: data).load()
        #expect(ring.keys.count == 1)
        #expect(ring.current.secret.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: data.path(of: "cookie.keys"))
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let directoryMode = try FileManager.default.attributesOfItem(atPath: data.path)[.posixPermissions] as? Int
        #expect(directoryMode == 0o700)
        #expect(try SigningKeyFile(dataDirectory: data).load() == ring)
    }

    @Test func rotationPutsANewKeyFirstAndKeepsThree() throws {
        let directory = try TemporaryDirectory()
        let file = SigningKeyFile(dataDirectory: try DataDirectory(path: directory.path))
        let first = try file.load()
        let second = try file.rotate()
        #expect(second.keys.count == 2)
        #expect(second.keys[1] == first.current)
        try file.rotate()
        let fourth = try file.rotate()
        #expect(fourth.keys.count == 3)
        #expect(!fourth.keys.contains(first.current))
        #expect(try file.load() == fourth)
    }

    @Test func refusesAKeyFileOthersCanRead() throws {
        let directory = try TemporaryDirectory()
        let data = try DataDirectory(path: directory.path)
        _ = try SigningKeyFile(dataDirectory: data).load()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: data.path(of: "cookie.keys"))
        #expect(throws: DataDirectoryError.self) { try SigningKeyFile(dataDirectory: data).load() }
    }
}
