import Accounts
import Testing

extension StoreContract {
    static var sessions: [Case] { [
        Case("moves the session generation on and returns it; nil for a missing user", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            #expect(try store.bumpSessionGeneration(userID: alice) == 1)
            #expect(try store.bumpSessionGeneration(userID: alice) == 2)
            #expect(try store.user(id: alice)?.sessionGeneration == 2)
            #expect(try store.bumpSessionGeneration(userID: alice + 1) == nil)
        }),
        Case("answers generation, revocation and groups in one status; nil for a missing user", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            _ = try store.replaceGroups(userID: alice, with: ["staff", "admins"])
            #expect(try store.sessionStatus(userID: alice, sessionID: "s1")
                == SessionStatus(generation: 0, isRevoked: false, groups: ["admins", "staff"]))
            try store.revokeSession(id: "s1", expiresAt: ContractFixture.now + 60)
            _ = try store.bumpSessionGeneration(userID: alice)
            #expect(try store.sessionStatus(userID: alice, sessionID: "s1")
                == SessionStatus(generation: 1, isRevoked: true, groups: ["admins", "staff"]))
            #expect(try store.sessionStatus(userID: alice, sessionID: "s2")?.isRevoked == false)
            #expect(try store.sessionStatus(userID: alice + 1, sessionID: "s1") == nil)
        }),
        Case("keeps a revocation until its expiry (the later one when revoked twice), then purges it", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            let now = ContractFixture.now
            try store.revokeSession(id: "s1", expiresAt: now + 100)
            try store.revokeSession(id: "s1", expiresAt: now + 50)
            try store.revokeSession(id: "s2", expiresAt: now + 10)
            #expect(try store.purgeRevokedSessions(expiredBy: now + 10) == 1)
            #expect(try store.sessionStatus(userID: alice, sessionID: "s2")?.isRevoked == false)
            #expect(try store.purgeRevokedSessions(expiredBy: now + 99) == 0)
            #expect(try store.sessionStatus(userID: alice, sessionID: "s1")?.isRevoked == true)
            #expect(try store.purgeRevokedSessions(expiredBy: now + 100) == 1)
        }),
    ] }

    static var groups: [Case] { [
        Case("replaces, adds and removes groups, returning them sorted", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            #expect(try store.replaceGroups(userID: alice, with: ["staff", "admins"]))
            #expect(try store.changeGroups(userID: alice, adding: ["wiki", "staff"], removing: ["admins", "none"])
                == ["staff", "wiki"])
            #expect(try store.changeGroups(userID: alice, adding: ["ops"], removing: ["ops"]) == ["staff", "wiki"])
            #expect(try store.replaceGroups(userID: alice, with: []))
            #expect(try store.user(id: alice)?.groups == [])
        }),
        Case("refuses groups for a missing user", onOneConnection: { store throws in
            #expect(try !store.replaceGroups(userID: 42, with: ["admins"]))
            #expect(try store.changeGroups(userID: 42, adding: ["admins"], removing: []) == nil)
        }),
        Case("returns each user's groups, sorted, with the user", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            let bob = try ContractFixture.insertUser("bob", into: store)
            _ = try store.replaceGroups(userID: alice, with: ["b-team", "a-team"])
            _ = try store.replaceGroups(userID: bob, with: ["c-team"])
            #expect(try store.user(named: "alice")?.groups == ["a-team", "b-team"])
            #expect(try store.user(id: bob)?.groups == ["c-team"])
            #expect(try store.allUsers().map(\.groups) == [["a-team", "b-team"], ["c-team"]])
        }),
    ] }
}
