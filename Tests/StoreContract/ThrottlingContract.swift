import Accounts
import Testing

extension StoreContract {
    private static let alice = ThrottleKey.pair(ContractFixture.subject(1), ClientAddress("192.0.2.1"))
    private static let aliceAnywhere = ThrottleKey.account(ContractFixture.subject(1))
    private static let fromAddress = ThrottleKey.address(ClientAddress("192.0.2.1"))
    private static let attempt = [alice, aliceAnywhere, fromAddress]

    static var throttling: [Case] { [
        Case("reads a row it does not hold as clear, and keeps pair, account and address rows apart", onOneConnection: { store throws in
            #expect(try store.throttleStates(attempt) == [.clear, .clear, .clear])
            #expect(try store.replaceThrottleStates([
                ThrottleChange(key: alice, expected: .clear, new: ContractFixture.state(1)),
                ThrottleChange(key: aliceAnywhere, expected: .clear, new: ContractFixture.state(2)),
                ThrottleChange(key: fromAddress, expected: .clear, new: ContractFixture.state(3, lockedUntil: 5)),
            ]))
            #expect(try store.throttleStates(attempt)
                == [ContractFixture.state(1), ContractFixture.state(2), ContractFixture.state(3, lockedUntil: 5)])
            #expect(try store.throttleStates([.pair(ContractFixture.subject(1), ClientAddress("192.0.2.2"))]) == [.clear])
        }),
        Case("writes every row of a compare-and-set or none", onOneConnection: { store throws in
            _ = try store.replaceThrottleStates([ThrottleChange(key: fromAddress, expected: .clear, new: ContractFixture.state(1))])
            #expect(try !store.replaceThrottleStates([
                ThrottleChange(key: alice, expected: .clear, new: ContractFixture.state(1)),
                ThrottleChange(key: fromAddress, expected: .clear, new: ContractFixture.state(2)),
            ]))
            #expect(try store.throttleStates(attempt) == [.clear, .clear, ContractFixture.state(1)])
            #expect(try store.replaceThrottleStates([
                ThrottleChange(key: alice, expected: .clear, new: ContractFixture.state(1)),
                ThrottleChange(key: fromAddress, expected: ContractFixture.state(1), new: .clear),
            ]))
            #expect(try store.throttleStates(attempt) == [ContractFixture.state(1), .clear, .clear])
        }),
        Case("counts each of 50 parallel compare-and-set claims exactly once", onOneDatabase: { database throws in
            let claims = try inParallel(50, prepare: { _ in try database.connect() }) { store in
                var losses = 0
                while true {
                    let states = try store.throttleStates(attempt)
                    let changes = zip(attempt, states).map { key, state in
                        ThrottleChange(key: key, expected: state, new: ThrottleState(
                            failures: state.failures + 1, lastFailureAt: ContractFixture.now, lockedUntil: nil))
                    }
                    if try store.replaceThrottleStates(changes) { return losses }
                    losses += 1
                }
            }
            #expect(claims.count == 50)
            #expect(try database.connect().throttleStates(attempt).map(\.failures) == [50, 50, 50])
        }),
        Case("clears rows; clears a subject's account and pair rows but no address row; lists a subject's rows",
             onOneConnection: { store throws in
            let elsewhere = ThrottleKey.pair(ContractFixture.subject(1), ClientAddress("2001:db8::1"))
            let bob = ThrottleKey.account(ContractFixture.subject(2))
            for key in attempt + [elsewhere, bob] {
                _ = try store.replaceThrottleStates([ThrottleChange(key: key, expected: .clear, new: ContractFixture.state(4))])
            }
            let rows = try store.throttleRows(subject: ContractFixture.subject(1))
            #expect(Set(rows.map(\.key)) == [alice, aliceAnywhere, elsewhere])
            #expect(rows.allSatisfy { $0.state == ContractFixture.state(4) })
            try store.clearThrottleStates([alice])
            #expect(try store.throttleStates([alice]) == [.clear])
            #expect(try store.clearThrottleRows(subject: ContractFixture.subject(1)) == 2)
            #expect(try store.throttleStates(attempt + [elsewhere, bob])
                == [.clear, .clear, ContractFixture.state(4), .clear, ContractFixture.state(4)])
        }),
        Case("purges only idle rows: no failure since the cut-off and no lock in force", onOneConnection: { store throws in
            let now = ContractFixture.now
            let rows: [(ThrottleKey, ThrottleState)] = [
                (.account(ContractFixture.subject(1)), ThrottleState(failures: 3, lastFailureAt: now - 100, lockedUntil: nil)),
                (.account(ContractFixture.subject(2)), ThrottleState(failures: 3, lastFailureAt: now - 10, lockedUntil: nil)),
                (.account(ContractFixture.subject(3)), ThrottleState(failures: 12, lastFailureAt: now - 100, lockedUntil: now + 1)),
                (.account(ContractFixture.subject(4)), ThrottleState(failures: 12, lastFailureAt: now - 100, lockedUntil: now)),
                (.address(ClientAddress("192.0.2.9")), ThrottleState(failures: 1, lastFailureAt: now - 100, lockedUntil: nil)),
            ]
            for (key, state) in rows {
                _ = try store.replaceThrottleStates([ThrottleChange(key: key, expected: .clear, new: state)])
            }
            #expect(try store.purgeThrottleRows(idleSince: now - 50, now: now) == 3)
            #expect(try store.throttleStates(rows.map(\.0)) == [.clear, rows[1].1, rows[2].1, .clear, .clear])
        }),
    ] }
}
