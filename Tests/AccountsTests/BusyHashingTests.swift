import Testing
@testable import Accounts
import SQLiteStore

/// A login that finds no password-hashing slot in time is refused untried:
/// not counted against any throttle row, not reported as a failure.
struct BusyHashingTests {
    /// An executor that never has a slot.
    struct NoSlot: ScryptExecutor {
        func derive(_ work: @escaping @Sendable () throws -> [UInt8]) throws -> [UInt8] {
            throw PasswordHashingBusy()
        }
    }

    @Test(arguments: ["alice", "nobody"])
    func aBusyLoginCountsNothingAndReportsNothing(_ name: String) throws {
        let fixture = try ServiceFixture()
        try fixture.addUser()
        var hasher = try PasswordHasher(parameters: Fixture.cheapScrypt)
        hasher.executor = NoSlot()
        let busy = AccountService(store: fixture.store, keys: Fixture.keys, hasher: hasher, audit: fixture.events.record)
        let before = try fixture.states(name, from: Fixture.client)
        let reported = fixture.events.events
        for _ in 0..<12 {
            #expect(throws: PasswordHashingBusy()) {
                try busy.login(name: name, password: "wrong horse", code: nil, client: Fixture.client, now: Fixture.now)
            }
        }
        #expect(try fixture.states(name, from: Fixture.client) == before)
        #expect(fixture.events.events == reported)
        // Twelve refusals would have locked the pair; the right password and code still pass.
        if name == "alice" {
            let outcome = try fixture.service.login(name: "alice", password: "correct horse", code: fixture.code(at: Fixture.now),
                                                    client: Fixture.client, now: Fixture.now)
            guard case .success = outcome else { Issue.record("refused: \(outcome)"); return }
        }
    }
}
