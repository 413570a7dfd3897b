import Accounts
import Testing

extension StoreContract {
    /// Fills `store` with rows of every kind, and leaves the highest id (3) to a deleted user.
    private static func populate(_ store: any UserStore) throws {
        let alice = try ContractFixture.addEnrolledUser("alice", to: store)
        _ = try store.consumeRecoveryCode(userID: alice, hash: (try store.exportSnapshot().recoveryCodes[0]).hash,
                                          at: ContractFixture.now)
        _ = try store.acceptStep(userID: alice, step: 77)
        _ = try store.replaceGroups(userID: alice, with: ["admins"])
        _ = try store.addDevice(ContractFixture.device(1, of: alice), sessionGeneration: 0)
        let bob = try ContractFixture.insertUser("bob", into: store)
        _ = try store.startEnrolment(userID: bob, sealed: [1, 2, 3])
        let carol = try ContractFixture.insertUser("carol", into: store)
        _ = try store.deleteUser(id: carol)
        try store.revokeSession(id: "session-1", expiresAt: ContractFixture.now + 60)
        for key in [ThrottleKey.pair(ContractFixture.subject(1), ClientAddress("192.0.2.1")), .account(ContractFixture.subject(1)),
                    .address(ClientAddress("192.0.2.1"))] {
            _ = try store.replaceThrottleStates([ThrottleChange(key: key, expected: .clear, new: ContractFixture.state(3))])
        }
    }

    static var maintenance: [Case] { [
        Case("answers a ping", onOneConnection: { store throws in
            try store.ping(within: .seconds(1))
        }),
        Case("exports nothing from a fresh store", onOneConnection: { store throws in
            #expect(try store.exportSnapshot().isEmpty)
        }),
        Case("carries every row and the highest id through a snapshot into a fresh store", withDatabases: { fresh throws in
            let source = try fresh().connect()
            try populate(source)
            let snapshot = try source.exportSnapshot()
            #expect(snapshot.users.count == 2 && snapshot.recoveryCodes.count == 10 && snapshot.throttleRows.count == 3)
            #expect(snapshot.lastUserID == 3)
            let target = try fresh().connect()
            try target.importSnapshot(snapshot)
            #expect(try target.exportSnapshot().sorted == snapshot.sorted)
            #expect(try ContractFixture.insertUser("dave", into: target) == 4)
            #expect(try target.sessionStatus(userID: 1, sessionID: "session-1")
                == SessionStatus(generation: 0, isRevoked: true, groups: ["admins"]))
        }),
        Case("refuses an import into a store that holds data, writing nothing", onOneConnection: { store throws in
            _ = try ContractFixture.insertUser("alice", into: store)
            let snapshot = StoreSnapshot(users: [UserRecord(id: 7, name: "bob", passwordHash: "h", createdAt: 0)], lastUserID: 7)
            #expect(throws: StoreError.self) { try store.importSnapshot(snapshot) }
            #expect(try store.allUsers().map(\.name) == ["alice"])
        }),
        Case("undoes every change of a transaction that throws", onOneConnection: { store throws in
            struct Abort: Error {}
            #expect(throws: Abort.self) {
                try store.inTransaction {
                    let alice = try ContractFixture.insertUser("alice", into: store)
                    _ = try store.replaceGroups(userID: alice, with: ["admins"])
                    throw Abort()
                }
            }
            #expect(try store.allUsers().isEmpty)
        }),
    ] }
}
