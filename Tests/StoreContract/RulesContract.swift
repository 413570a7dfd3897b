import Accounts
import Testing

/// The account rules over a real store: what holds only if the store's
/// primitives are atomic and durable.
extension StoreContract {
    static var rules: [Case] { [
        Case("lets no parallel attempt slip past the throttle", onOneDatabase: { database throws in
            try ContractFixture.addEnrolledUser("alice", to: try database.connect())
            let client = ClientAddress("192.0.2.1")
            let outcomes = try inParallel(50, prepare: { _ in ContractFixture.service(try database.connect()) }) { service in
                try service.login(name: "alice", password: "wrong password", code: nil, client: client, now: ContractFixture.now)
            }
            let policy = ThrottlePolicy()
            #expect(outcomes.filter { $0 == .refused(.failed) }.count == policy.delayFrom)
            #expect(outcomes.filter { $0 == .refused(.throttled(retryAfter: policy.initialDelay)) }.count == 50 - policy.delayFrom)
            let subject = try ContractFixture.keys.throttleSubject(of: "alice")
            #expect(try database.connect().throttleStates([.pair(subject, client), .account(subject), .address(client)])
                .map(\.failures) == [policy.delayFrom, ThrottleRules().accountShare, policy.delayFrom])
        }),
        Case("throttles and locks an unknown name exactly like a real account, and remembers it on a new connection",
             onOneDatabase: { database throws in
            let store = try database.connect()
            try ContractFixture.addEnrolledUser("alice", to: store)
            let service = ContractFixture.service(store)
            func attempts(_ name: String, from client: ClientAddress) throws -> [LoginOutcome] {
                // Far enough apart to pass every delay, until the 10th failure locks for an hour.
                try (0..<12).map { index in
                    try service.login(name: name, password: "wrong password", code: nil, client: client,
                                      now: ContractFixture.now + Int64(index) * 1000)
                }
            }
            let real = try attempts("alice", from: ClientAddress("192.0.2.1"))
            let unknown = try attempts("nobody", from: ClientAddress("192.0.2.2"))
            #expect(real == Array(repeating: .refused(.failed), count: 10) + [.refused(.locked), .refused(.locked)])
            #expect(unknown == real)
            let rows = { (name: String) in
                try store.throttleRows(subject: try ContractFixture.keys.throttleSubject(of: name)).map(\.state)
                    .sorted { $0.failures < $1.failures }
            }
            #expect(try rows("nobody") == rows("alice"))
            let afterRestart = ContractFixture.service(try database.connect())
            #expect(try afterRestart.login(name: "NOBODY", password: "wrong password", code: nil, client: ClientAddress("192.0.2.2"),
                                           now: ContractFixture.now + 11_500) == .refused(.locked))
        }),
    ] }
}
