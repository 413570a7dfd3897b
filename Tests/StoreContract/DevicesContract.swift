import Accounts
import Testing

extension StoreContract {
    static var devices: [Case] { [
        Case("adds a device only under its user's current generation; finds, touches, lists and deletes it",
             onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            let first = ContractFixture.device(1, of: alice)
            let second = ContractFixture.device(2, of: alice, createdAt: ContractFixture.now + 5)
            #expect(try !store.addDevice(first, sessionGeneration: 1))
            #expect(try !store.addDevice(ContractFixture.device(3, of: alice + 1), sessionGeneration: 0))
            #expect(try store.addDevice(first, sessionGeneration: 0))
            #expect(try store.addDevice(second, sessionGeneration: 0))
            #expect(try store.device(idHash: first.idHash) == first)
            #expect(try store.devices(userID: alice) == [second, first])
            #expect(try store.touchDevice(idHash: first.idHash, at: ContractFixture.now + 9))
            #expect(try store.devices(userID: alice).map(\.lastUsedAt) == [ContractFixture.now + 9, ContractFixture.now + 5])
            #expect(try !store.touchDevice(idHash: [UInt8](repeating: 9, count: 32), at: ContractFixture.now))
            #expect(try !store.deleteDevice(userID: alice + 1, idHash: first.idHash))
            #expect(try store.deleteDevice(userID: alice, idHash: first.idHash))
            #expect(try store.device(idHash: first.idHash) == nil)
        }),
        Case("ends every device of the user, and only theirs, whenever their generation moves on", onOneConnection: { store throws in
            let bob = try ContractFixture.insertUser("bob", into: store)
            #expect(try store.addDevice(ContractFixture.device(99, of: bob), sessionGeneration: 0))
            let alice = try ContractFixture.insertUser("alice", into: store)
            let bumps: [(String, () throws -> Int64?)] = [
                ("bumpSessionGeneration", { try store.bumpSessionGeneration(userID: alice) }),
                ("setPasswordHash ending sessions", { try store.setPasswordHash(userID: alice, "h", endingSessions: true) }),
                ("resetSecondFactor", { try store.resetSecondFactor(userID: alice) }),
                ("enrol replacing a pending secret", {
                    _ = try store.startEnrolment(userID: alice, sealed: [7])
                    return try store.enrol(userID: alice, sealedSecret: [7], replacingPending: [7], lastStep: nil,
                                           recoveryCodeHashes: [], at: ContractFixture.now)
                }),
            ]
            for (index, (name, bump)) in bumps.enumerated() {
                let generation = try #require(try store.user(id: alice)).sessionGeneration
                #expect(try store.addDevice(ContractFixture.device(UInt8(index), of: alice), sessionGeneration: generation))
                #expect(try bump() == generation + 1, "\(name)")
                #expect(try store.devices(userID: alice) == [], "\(name)")
                _ = try store.resetSecondFactor(userID: alice)
            }
            #expect(try store.devices(userID: bob).count == 1)
        }),
        Case("keeps the devices when the generation stays", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            _ = try store.addDevice(ContractFixture.device(1, of: alice), sessionGeneration: 0)
            _ = try store.setPasswordHash(userID: alice, "rehashed", endingSessions: false)
            #expect(try store.devices(userID: alice).count == 1)
        }),
        Case("purges devices remembered before a time", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            _ = try store.addDevice(ContractFixture.device(1, of: alice, createdAt: ContractFixture.now - 10), sessionGeneration: 0)
            _ = try store.addDevice(ContractFixture.device(2, of: alice, createdAt: ContractFixture.now), sessionGeneration: 0)
            #expect(try store.purgeDevices(createdBefore: ContractFixture.now) == 1)
            #expect(try store.devices(userID: alice).map(\.idHash) == [ContractFixture.device(2, of: alice).idHash])
        }),
    ] }
}
