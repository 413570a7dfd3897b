import Testing
@testable import Accounts

struct ThrottleRulesTests {
    let rules = ThrottleRules()
    let t = Fixture.now

    /// `count` failures of one row under `policy`, the last at `t`.
    func failures(_ count: Int, under policy: ThrottlePolicy) -> ThrottleState {
        (0..<count).reduce(ThrottleState.clear) { state, _ in policy.afterFailure(state, now: t) }
    }

    /// Failures of the pair, account and address rows → whether the next attempt is admitted at `t`.
    @Test(arguments: [
        ([0, 0, 0], Admission.allowed),
        ([4, 4, 19], .allowed),
        ([5, 0, 0], .throttled(retryAfter: 30)),
        ([0, 5, 0], .throttled(retryAfter: 30)),
        ([0, 0, 20], .throttled(retryAfter: 30)),
        ([6, 5, 21], .throttled(retryAfter: 60)),       // the longest wait of the three
        ([10, 0, 0], .locked(until: Fixture.now + 3600)),
        ([0, 10, 0], .locked(until: Fixture.now + 3600)),
        ([0, 0, 30], .locked(until: Fixture.now + 3600)),
        ([9, 0, 30], .locked(until: Fixture.now + 3600)),  // a lock wins over a delay
        ([0, 100, 30], .locked(until: nil)),              // until unlock wins over a timed lock
    ])
    func admitsOnlyWhatAllThreeRowsAdmit(_ counts: [Int], _ admission: Admission) {
        let states = AttemptStates(pair: failures(counts[0], under: rules.pair), account: failures(counts[1], under: rules.account),
                                   address: failures(counts[2], under: rules.address))
        #expect(rules.admission(states, now: t) == admission)
    }

    /// Failures from each address in turn (spaced past every delay) → the account row's count
    /// and whether a new address may try: each address adds at most four.
    @Test(arguments: [
        ([4], 4, Admission.allowed),
        ([10], 4, .allowed),                                // one address locks only itself
        ([4, 1], 5, .throttled(retryAfter: 30)),            // account-wide delays need 2 addresses
        ([4, 4, 1], 9, .throttled(retryAfter: 480)),
        ([4, 4, 2], 10, .locked(until: Fixture.now + 3600)), // the lock needs 3
        ([10, 10, 10], 12, .locked(until: Fixture.now + 3600)),
    ])
    func countsEachAddressAccountWideOnlyForItsFirstFour(_ perAddress: [Int], _ accountFailures: Int, _ newcomer: Admission) {
        var account = ThrottleState.clear
        for count in perAddress {
            var states = AttemptStates(pair: .clear, account: account, address: .clear)
            for _ in 0..<count { states = rules.afterFailure(states, now: t) }
            account = states.account
        }
        #expect(account.failures == accountFailures)
        #expect(rules.admission(AttemptStates(pair: .clear, account: account, address: .clear), now: t) == newcomer)
    }

    @Test func theIndefiniteAccountLockNeedsTwentyFiveAddresses() {
        var account = ThrottleState.clear
        for _ in 0..<25 {
            var states = AttemptStates(pair: .clear, account: account, address: .clear)
            for _ in 0..<4 { states = rules.afterFailure(states, now: t) }
            account = states.account
        }
        #expect(account.failures == 100)
        #expect(account.lockedUntil == ThrottlePolicy.indefinitely)
    }

    /// The address row, against spraying: delays from the 20th failure, a lock from the 30th, never until unlock.
    @Test(arguments: [
        (19, Admission.allowed),
        (20, .throttled(retryAfter: 30)),
        (29, .throttled(retryAfter: 3600)),  // 30 s doubled nine times, cut to the lock's hour
        (30, .locked(until: Fixture.now + 3600)),
        (100, .locked(until: Fixture.now + 3600)),
        (150, .locked(until: Fixture.now + 3600)),
    ])
    func throttlesAnAddressAcrossNamesButNeverLocksItForGood(_ count: Int, _ admission: Admission) {
        let state = failures(count, under: rules.address)
        #expect(rules.address.admission(state, now: t) == admission)
        #expect(state.failures == min(count, 100))
    }

    @Test func theSettingsOfOnePolicyCarryToAllThree() {
        var policy = ThrottlePolicy()
        policy.initialDelay = 5
        policy.lockDuration = 60
        let rules = ThrottleRules(policy: policy)
        #expect([rules.pair, rules.account, rules.address].allSatisfy { $0.initialDelay == 5 && $0.lockDuration == 60 })
        #expect(rules.pair == policy && rules.account == policy)
    }
}
