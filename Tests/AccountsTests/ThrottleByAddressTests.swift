import Testing
@testable import Accounts
import SQLiteStore

/// Throttling by name and client address, through the service over a real store.
struct ThrottleByAddressTests {
    let fixture: ServiceFixture
    var service: AccountService { fixture.service }
    let t = Fixture.now
    let attacker = ClientAddress("127.0.0.2")
    let owner = ClientAddress("127.0.0.3")

    init() throws {
        fixture = try ServiceFixture()
    }

    /// `count` wrong passwords for `name` from `client`, spaced past every delay from `start`; returns when the last came.
    @discardableResult
    func fail(_ name: String, _ count: Int, from client: ClientAddress, startingAt start: Int64) throws -> Int64 {
        var time = start
        for _ in 0..<count {
            while case .refused(.throttled(let wait)) = try service.login(
                name: name, password: "wrong horse", code: nil, client: client, now: time) {
                time += wait
            }
            time += 1
        }
        return time
    }

    @Test func thirtyFailuresFromOneAddressLockOnlyThatAddress() throws {
        let (id, _) = try fixture.addUser("victim")
        let end = try fail("victim", 30, from: attacker, startingAt: t)
        #expect(try service.login(name: "victim", password: "correct horse", code: nil, client: attacker, now: end) == .refused(.locked))
        #expect(try service.login(name: "victim", password: "correct horse", code: fixture.code(at: end), client: owner, now: end)
            == .success(AuthenticatedUser(id: id, name: "victim", sessionGeneration: 0)))
        #expect(fixture.events.events.contains(.locked(user: "victim", scope: .pair)))
        #expect(!fixture.events.events.contains(.locked(user: "victim", scope: .account)))
    }

    @Test func failuresFromThreeAddressesLockTheAccountEverywhere() throws {
        try fixture.addUser("victim")
        var time = t
        for last in 2...4 { time = try fail("victim", 4, from: ClientAddress("127.0.0.\(last)"), startingAt: time) }
        #expect(try service.login(name: "victim", password: "correct horse", code: fixture.code(at: time), client: owner, now: time)
            == .refused(.locked))
        #expect(fixture.events.events.contains(.locked(user: "victim", scope: .account)))
    }

    @Test func anAddressSprayingManyNamesIsThrottledAsAWhole() throws {
        try fixture.addUser("alice")
        for index in 0..<20 {
            #expect(try service.login(name: "user\(index)", password: "123456", code: nil, client: attacker, now: t) == .refused(.failed))
        }
        #expect(try service.login(name: "user20", password: "123456", code: nil, client: attacker, now: t)
            == .refused(.throttled(retryAfter: 30)))
        #expect(try service.login(name: "alice", password: "correct horse", code: fixture.code(at: t), client: attacker, now: t)
            == .refused(.throttled(retryAfter: 30)))
        #expect(try service.login(name: "alice", password: "correct horse", code: fixture.code(at: t), client: owner, now: t)
            != .refused(.throttled(retryAfter: 30)))
    }

    @Test func aFullSuccessResetsThePairTheAccountAndTheAddress() throws {
        try fixture.addUser("alice")
        for index in 0..<10 { _ = try service.login(name: "user\(index)", password: "x", code: nil, client: owner, now: t) }
        try fail("alice", 3, from: owner, startingAt: t)
        try fail("alice", 2, from: attacker, startingAt: t)
        #expect(try fixture.states("alice", from: owner).address.failures == 13)
        _ = try service.login(name: "alice", password: "correct horse", code: fixture.code(at: t + 100), client: owner, now: t + 100)
        #expect(try fixture.states("alice", from: owner) == .clear)
        #expect(try fixture.states("alice", from: attacker).pair.failures == 2)
    }

    @Test func aRightPasswordAloneGivesBackItsCountInAllThreeRows() throws {
        try fixture.addUser("alice")
        try fail("alice", 2, from: owner, startingAt: t)
        let before = try fixture.states("alice", from: owner)
        for _ in 0..<5 {
            _ = try service.login(name: "alice", password: "correct horse", code: nil, client: owner, now: t + 10)
        }
        #expect(try fixture.states("alice", from: owner) == before)
    }

    @Test func unknownNamesAreThrottledWithoutTheirNameInTheLog() throws {
        try fail("nobody", 5, from: attacker, startingAt: t)
        let outcome = try service.login(name: "nobody", password: "x", code: nil, client: attacker, now: t + 5)
        #expect(outcome == .refused(.throttled(retryAfter: 29)))
        #expect(fixture.events.events.last == .throttled(user: nil, retryAfter: 29))
        #expect(fixture.events.events.allSatisfy { $0.user == nil })
    }

    @Test func unlockClearsTheNameFromEveryAddressButNotTheAddressRows() throws {
        try fixture.addUser("alice")
        let end = try fail("alice", 10, from: attacker, startingAt: t)
        try fail("alice", 4, from: owner, startingAt: end)
        #expect(try service.unlock(named: "alice") == 3)  // two pairs and the account
        let states = try fixture.states("alice", from: attacker)
        #expect(states.pair == .clear && states.account == .clear)
        #expect(states.address.failures == 10)
    }

    @Test func deletingAUserClearsTheirName() throws {
        try fixture.addUser("alice")
        try fail("alice", 3, from: attacker, startingAt: t)
        try service.deleteUser(named: "alice")
        #expect(try fixture.states("alice", from: attacker).pair == .clear)
        #expect(try fixture.states("alice", from: attacker).account == .clear)
    }

    @Test func rowsIdleForThirtyDaysArePurgedAtTheNextLogout() throws {
        let (id, _) = try fixture.addUser("alice")
        try fail("nobody", 3, from: attacker, startingAt: t)
        try fixture.setState(ThrottleState(failures: 100, lastFailureAt: t, lockedUntil: ThrottlePolicy.indefinitely),
                             of: .pair(fixture.subject("alice"), attacker))
        let later = t + AccountConfiguration.throttleIdleLifetime + 10
        try service.logout(AuthenticatedUser(id: id, name: "alice", sessionGeneration: 0), sessionID: "s", expiresAt: later, now: later)
        #expect(try fixture.states("nobody", from: attacker) == .clear)
        #expect(try fixture.states("alice", from: attacker).pair.failures == 100)
    }
}
