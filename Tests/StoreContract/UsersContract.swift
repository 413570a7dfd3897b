import Accounts
import Testing

extension StoreContract {
    static var users: [Case] { [
        Case("inserts users under new ids and finds them by id and by name in any ASCII case", onOneConnection: { store throws in
            let alice = try store.insertUser(name: "Alice", passwordHash: "hash-a", createdAt: ContractFixture.now)
            let bob = try store.insertUser(name: "bob", passwordHash: "hash-b", createdAt: ContractFixture.now + 1)
            #expect(alice != bob)
            let found = try #require(try store.user(named: "ALICE"))
            #expect(found == UserRecord(id: alice, name: "Alice", passwordHash: "hash-a", createdAt: ContractFixture.now))
            #expect(try store.user(id: bob)?.name == "bob")
            #expect(try store.user(named: "carol") == nil)
            #expect(try store.user(id: bob + 100) == nil)
        }),
        Case("refuses a name taken in another case, changing nothing", onOneConnection: { store throws in
            _ = try ContractFixture.insertUser("alice", into: store)
            #expect(throws: AccountError.duplicateName("ALICE")) {
                try store.insertUser(name: "ALICE", passwordHash: "x", createdAt: ContractFixture.now)
            }
            #expect(try store.allUsers().map(\.name) == ["alice"])
        }),
        Case("lists every user by name", onOneConnection: { store throws in
            for name in ["carol", "alice", "bob"] { _ = try ContractFixture.insertUser(name, into: store) }
            #expect(try store.allUsers().map(\.name) == ["alice", "bob", "carol"])
        }),
        Case("deletes a user with their recovery codes, groups and devices, and never hands their id out again",
             onOneConnection: { store throws in
            let alice = try ContractFixture.addEnrolledUser("alice", to: store)
            _ = try store.replaceGroups(userID: alice, with: ["admins"])
            #expect(try store.addDevice(ContractFixture.device(1, of: alice), sessionGeneration: 0))
            #expect(try store.deleteUser(id: alice))
            #expect(try !store.deleteUser(id: alice))
            #expect(try store.user(id: alice) == nil)
            #expect(try store.unusedRecoveryCodeCount(userID: alice) == 0)
            #expect(try store.device(idHash: ContractFixture.device(1, of: alice).idHash) == nil)
            let next = try ContractFixture.insertUser("alice", into: store)
            #expect(next > alice)
            #expect(try store.user(id: next)?.groups == [])
        }),
        Case("replaces a password hash, moving the generation on only when ending sessions", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            #expect(try store.setPasswordHash(userID: alice, "new-1", endingSessions: false) == 0)
            #expect(try store.setPasswordHash(userID: alice, "new-2", endingSessions: true) == 1)
            #expect(try store.user(id: alice)?.passwordHash == "new-2")
            #expect(try store.setPasswordHash(userID: alice + 1, "x", endingSessions: true) == nil)
        }),
    ] }
}
