import Crypto
import Foundation
import OTP
import Testing
import TestSupport
@testable import Accounts

enum Fixture {
    /// A Unix time all tests start from: 2023-11-14 22:13:20 UTC.
    static let now: Int64 = 1_700_000_000
    /// scrypt parameters cheap enough for hundreds of hashes per test run.
    static let cheapScrypt = try! Scrypt(n: 16, r: 1, p: 1)
    static let keys = try! AccountKeys(masterKey: [UInt8](repeating: 7, count: 32))
    /// A 160-bit secret (RFC 6238's SHA-1 seed).
    static let secret = Array("12345678901234567890".utf8)
}

/// A store on a fresh file, with a service over it that records its audit events.
final class ServiceFixture {
    let directory: TemporaryDirectory
    let store: SQLiteUserStore
    let events = EventLog()
    let service: AccountService

    init(configuration: AccountConfiguration = AccountConfiguration()) throws {
        directory = try TemporaryDirectory()
        store = try SQLiteUserStore(path: directory.path("users.db"))
        service = AccountService(store: store, keys: Fixture.keys, hasher: try PasswordHasher(parameters: Fixture.cheapScrypt),
                                 configuration: configuration, audit: events.record)
    }

    /// Adds `name` with password "correct horse", enrolled with ``Fixture/secret`` unless told otherwise.
    @discardableResult
    func addUser(_ name: String = "alice", enrolled: Bool = true) throws -> (id: Int64, recoveryCodes: [String]) {
        let codes = try service.addUser(name: name, password: "correct horse", totpSecret: enrolled ? Fixture.secret : nil, now: Fixture.now)
        return (try #require(try store.user(named: name)).id, codes)
    }

    /// The code of ``Fixture/secret`` at `time`.
    func code(at time: Int64) throws -> String {
        try TOTP(secret: Fixture.secret).code(at: time)
    }
}

/// The audit events a service reported, in order.
final class EventLog {
    private(set) var events: [AuditEvent] = []
    func record(_ event: AuditEvent) { events.append(event) }
}
