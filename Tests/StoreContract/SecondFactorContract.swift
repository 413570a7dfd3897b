import Accounts
import Synchronization
import Testing

extension StoreContract {
    static var secondFactor: [Case] { [
        Case("keeps a pending enrolment secret only while none is enrolled", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            #expect(try store.startEnrolment(userID: alice, sealed: [1]))
            #expect(try store.startEnrolment(userID: alice, sealed: [2]))
            #expect(try store.user(id: alice)?.sealedPendingSecret == [2])
            #expect(try store.enrol(userID: alice, sealedSecret: [3], replacingPending: nil, lastStep: nil,
                                    recoveryCodeHashes: [], at: ContractFixture.now) == 0)
            #expect(try !store.startEnrolment(userID: alice, sealed: [4]))
            #expect(try store.user(id: alice)?.sealedPendingSecret == nil)
        }),
        Case("completes a pending enrolment only while it is still the pending one, moving the generation on",
             onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            _ = try store.startEnrolment(userID: alice, sealed: [1])
            #expect(try store.enrol(userID: alice, sealedSecret: [9], replacingPending: [2], lastStep: 5,
                                    recoveryCodeHashes: [[1]], at: ContractFixture.now) == nil)
            #expect(try store.user(id: alice)?.isEnrolled == false)
            #expect(try store.enrol(userID: alice, sealedSecret: [1], replacingPending: [1], lastStep: 5,
                                    recoveryCodeHashes: [[1], [2]], at: ContractFixture.now) == 1)
            let enrolled = try #require(try store.user(id: alice))
            #expect(enrolled.sealedSecret == [1])
            #expect(enrolled.sealedPendingSecret == nil)
            #expect(enrolled.enrolledAt == ContractFixture.now)
            #expect(enrolled.lastStep == 5)
            #expect(try store.unusedRecoveryCodeCount(userID: alice) == 2)
            #expect(try store.enrol(userID: alice, sealedSecret: [1], replacingPending: [1], lastStep: 6,
                                    recoveryCodeHashes: [], at: ContractFixture.now) == nil)
        }),
        Case("removes the second factor, pending secret, last step and recovery codes, moving the generation on",
             onOneConnection: { store throws in
            let alice = try ContractFixture.addEnrolledUser("alice", to: store)
            _ = try store.acceptStep(userID: alice, step: 10)
            #expect(try store.resetSecondFactor(userID: alice) == 1)
            let reset = try #require(try store.user(id: alice))
            #expect(reset.sealedSecret == nil && reset.sealedPendingSecret == nil && reset.enrolledAt == nil && reset.lastStep == nil)
            #expect(try store.unusedRecoveryCodeCount(userID: alice) == 0)
            #expect(try store.resetSecondFactor(userID: alice + 1) == nil)
        }),
        Case("accepts each time step once, and only steps newer than the last", onOneConnection: { store throws in
            let alice = try ContractFixture.addEnrolledUser("alice", to: store)
            #expect(try store.acceptStep(userID: alice, step: 100))
            #expect(try !store.acceptStep(userID: alice, step: 100))
            #expect(try !store.acceptStep(userID: alice, step: 99))
            #expect(try store.acceptStep(userID: alice, step: 101))
            #expect(try store.user(id: alice)?.lastStep == 101)
        }),
        Case("accepts one step for exactly one of 100 parallel connections", onOneDatabase: { database throws in
            let alice = try ContractFixture.addEnrolledUser("alice", to: try database.connect())
            let accepted = try inParallel(100, prepare: { _ in try database.connect() }) { store in
                try store.acceptStep(userID: alice, step: 56_666_667)
            }
            #expect(accepted.filter { $0 }.count == 1)
        }),
    ] }

    static var recoveryCodes: [Case] { [
        Case("uses a recovery code once", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            try store.replaceRecoveryCodes(userID: alice, hashes: [[1], [2], [3]])
            #expect(try store.consumeRecoveryCode(userID: alice, hash: [2], at: ContractFixture.now))
            #expect(try !store.consumeRecoveryCode(userID: alice, hash: [2], at: ContractFixture.now))
            #expect(try !store.consumeRecoveryCode(userID: alice, hash: [9], at: ContractFixture.now))
            #expect(try store.unusedRecoveryCodeCount(userID: alice) == 2)
        }),
        Case("replaces every recovery code, used or not", onOneConnection: { store throws in
            let alice = try ContractFixture.insertUser("alice", into: store)
            try store.replaceRecoveryCodes(userID: alice, hashes: [[1], [2]])
            _ = try store.consumeRecoveryCode(userID: alice, hash: [1], at: ContractFixture.now)
            try store.replaceRecoveryCodes(userID: alice, hashes: [[1], [3], [4]])
            #expect(try store.unusedRecoveryCodeCount(userID: alice) == 3)
            #expect(try !store.consumeRecoveryCode(userID: alice, hash: [2], at: ContractFixture.now))
            #expect(try store.consumeRecoveryCode(userID: alice, hash: [1], at: ContractFixture.now))
        }),
        Case("lets exactly one of 20 parallel connections use a recovery code", onOneDatabase: { database throws in
            let store = try database.connect()
            let alice = try ContractFixture.insertUser("alice", into: store)
            try store.replaceRecoveryCodes(userID: alice, hashes: [[1], [2]])
            let used = try inParallel(20, prepare: { _ in try database.connect() }) { store in
                try store.consumeRecoveryCode(userID: alice, hash: [1], at: ContractFixture.now)
            }
            #expect(used.filter { $0 }.count == 1)
            #expect(try store.unusedRecoveryCodeCount(userID: alice) == 1)
        }),
    ] }
}
