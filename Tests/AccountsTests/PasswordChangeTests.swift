import Testing
@testable import Accounts
import SQLiteStore

/// Self-service password change: the current password proves it, NIST SP 800-63B's rules for the new one.
struct PasswordChangeTests {
    let fixture: ServiceFixture
    var service: AccountService { fixture.service }
    let alice: AuthenticatedUser

    init() throws {
        fixture = try ServiceFixture()
        alice = AuthenticatedUser(id: try fixture.addUser("alice").id, name: "alice", sessionGeneration: 0)
    }

    func change(current: String = "correct horse", to new: String, at time: Int64 = Fixture.now) throws -> PasswordChangeOutcome {
        try service.changeOwnPassword(alice, current: current, new: new, client: Fixture.client, now: time)
    }

    @Test func theRightCurrentPasswordChangesItAndEndsTheOtherSessionsAndDevices() throws {
        _ = try service.rememberDevice(alice, label: "Firefox", now: Fixture.now)
        #expect(try change(to: "a much longer passphrase") == .changed(AuthenticatedUser(id: alice.id, name: "alice", sessionGeneration: 1)))
        #expect(fixture.events.events.last == .passwordChanged(user: "alice"))
        #expect(try service.devices(userID: alice.id).isEmpty)
        #expect(try service.login(name: "alice", password: "a much longer passphrase", code: nil, client: Fixture.client, now: Fixture.now)
                == .needsCode(AuthenticatedUser(id: alice.id, name: "alice", sessionGeneration: 1)))
    }

    @Test func aWrongCurrentPasswordCountsLikeAFailedLogin() throws {
        #expect(try change(current: "wrong horse", to: "a much longer passphrase") == .refused(.failed))
        #expect(fixture.events.events.last == .passwordChangeFailed(user: "alice"))
        #expect(try fixture.states("alice", from: Fixture.client).pair.failures == 1)
        for second in 1...4 { _ = try change(current: "wrong horse", to: "a much longer passphrase", at: Fixture.now + Int64(second)) }
        // Throttled now: even the right password waits.
        guard case .refused(.throttled) = try change(to: "a much longer passphrase", at: Fixture.now + 5) else {
            Issue.record("expected a throttled refusal")
            return
        }
    }

    /// A session that ended meanwhile (logout everywhere) changes nothing.
    @Test func anEndedSessionCannotChangeIt() throws {
        try service.logoutEverywhere(named: "alice")
        #expect(try change(to: "a much longer passphrase") == .refused(.failed))
        #expect(try service.login(name: "alice", password: "correct horse", code: nil, client: Fixture.client, now: Fixture.now)
                != .refused(.failed))
    }

    @Test(arguments: [
        ("short", AccountError.passwordLength(characters: 5, allowed: 8...1024)),
        ("password", .commonPassword),
        ("Password1", .commonPassword),
        ("trustno1", .commonPassword),
        ("qwertyuiop", .commonPassword),
    ])
    func refusesAWeakNewPasswordCountingNothing(_ new: String, _ error: AccountError) throws {
        #expect(throws: error) { try change(current: "wrong horse", to: new) }
        #expect(try fixture.states("alice", from: Fixture.client).pair.failures == 0)
    }

    @Test func refusesTheUserNameAsPassword() throws {
        let bob = try fixture.addUser("Bob-the-builder").id
        #expect(throws: AccountError.passwordIsUserName) {
            try service.changeOwnPassword(AuthenticatedUser(id: bob, name: "Bob-the-builder", sessionGeneration: 0),
                                          current: "correct horse", new: "bob-THE-builder", client: Fixture.client, now: Fixture.now)
        }
    }

    /// Long passwords and any characters are welcome; no composition rules.
    @Test(arguments: ["correct horse battery staple", "ĉu vi parolas esperanton?", String(repeating: "x", count: 1024), "aaaaaaaa7x"])
    func acceptsLongAndPlainPasswords(_ new: String) throws {
        guard case .changed = try change(to: new) else {
            Issue.record("refused \(new)")
            return
        }
    }

    @Test func theListIsShipped() {
        #expect(CommonPasswords.count > 10_000)
        #expect(CommonPasswords.contains("iloveyou"))
        #expect(CommonPasswords.contains("1qaz2wsx"))
        #expect(!CommonPasswords.contains("correct horse battery staple"))
    }
}
