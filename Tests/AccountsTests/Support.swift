import Crypto
import Foundation
import OTP
import Testing
import TestSupport
@testable import Accounts
import SQLiteStore

enum Fixture {
    /// A Unix time all tests start from: 2023-11-14 22:13:20 UTC.
    static let now: Int64 = 1_700_000_000
    /// scrypt parameters cheap enough for hundreds of hashes per test run.
    static let cheapScrypt = try! Scrypt(n: 16, r: 1, p: 1)
    static let keys = try! AccountKeys(masterKey: [UInt8](repeating: 7, count: 32))
    /// A 160-bit secret (RFC 6238's SHA-1 seed).
    static let secret = Array("12345678901234567890".utf8)
    /// The client address attempts come from unless a test says otherwise.
    static let client = ClientAddress("192.0.2.1")
}

/// A store on a fresh file, with a service over it that records its audit events.
final class ServiceFixture {
    let directory: TemporaryDirectory
    let store: SQLiteUserStore
    let events = EventLog()
    let service: AccountService

    init(configuration: AccountConfiguration = AccountConfiguration()) throws {
        directory = try TemporaryDirectory()
        store = try SQLiteUserStore(path: directory.path("users.db"), keys: Fixture.keys)
        service = AccountService(store: store, keys: Fixture.keys, hasher: try PasswordHasher(parameters: Fixture.cheapScrypt),
                                 configuration: configuration, audit: events.record)
    }

    /// Adds `name` with password "correct horse", enrolled with ``Fixture/secret`` unless told otherwise.
    @discardableResult
    func addUser(_ name: String = "alice", enrolled: Bool = true) throws -> (id: Int64, recoveryCodes: [String]) {
        let codes = try service.addUser(name: name, password: "correct horse", totpSecret: enrolled ? Fixture.secret : nil, now: Fixture.now)
        return (try #require(try store.user(named: name)).id, codes)
    }

    /// The throttle subject of `name`.
    func subject(_ name: String) throws -> ThrottleSubject {
        try Fixture.keys.throttleSubject(of: name)
    }

    /// The three throttle rows of attempts on `name` from `client`.
    func states(_ name: String, from client: ClientAddress) throws -> AttemptStates {
        let subject = try subject(name)
        let states = try store.throttleStates([.pair(subject, client), .account(subject), .address(client)])
        return AttemptStates(pair: states[0], account: states[1], address: states[2])
    }

    /// Makes `key` hold `state`, whatever it held.
    func setState(_ state: ThrottleState, of key: ThrottleKey) throws {
        try store.clearThrottleStates([key])
        #expect(try store.replaceThrottleStates([ThrottleChange(key: key, expected: .clear, new: state)]))
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
