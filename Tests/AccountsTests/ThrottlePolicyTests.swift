import Testing
@testable import Accounts

struct ThrottlePolicyTests {
    let policy = ThrottlePolicy()
    let t = Fixture.now

    /// The state after `count` failures, the last at `t`.
    func state(afterFailures count: Int) -> ThrottleState {
        (0..<count).reduce(ThrottleState.clear) { state, _ in policy.afterFailure(state, now: t) }
    }

    /// Failures so far → the answer right after the last one, and how long until attempts are taken again.
    @Test(arguments: [
        (1, Admission.allowed, Int64(0)),
        (2, .allowed, 0),
        (3, .allowed, 0),
        (4, .allowed, 0),
        (5, .throttled(retryAfter: 30), 30),
        (6, .throttled(retryAfter: 60), 60),
        (7, .throttled(retryAfter: 120), 120),
        (8, .throttled(retryAfter: 240), 240),
        (9, .throttled(retryAfter: 480), 480),
        (10, .locked(until: Fixture.now + 3600), 3600),
        (11, .locked(until: Fixture.now + 3600), 3600),
        (12, .locked(until: Fixture.now + 3600), 3600),
    ])
    func delaysFromTheFifthAndLocksFromTheTenthFailure(_ failures: Int, _ answer: Admission, _ wait: Int64) {
        let state = state(afterFailures: failures)
        #expect(state.failures == failures)
        #expect(policy.admission(state, now: t) == answer)
        if wait > 0 {
            #expect(policy.admission(state, now: t + wait - 1) != .allowed)
        }
        #expect(policy.admission(state, now: t + wait) == .allowed)
    }

    @Test func theHundredthFailureLocksUntilUnlock() {
        let state = state(afterFailures: 100)
        #expect(state.lockedUntil == ThrottlePolicy.indefinitely)
        #expect(policy.admission(state, now: t + 10 * 365 * 86_400) == .locked(until: nil))
    }

    @Test func theCountNeverExceedsAHundred() {
        #expect(policy.afterFailure(state(afterFailures: 100), now: t).failures == 100)
    }

    @Test func theLockDurationIsASetting() {
        var policy = ThrottlePolicy()
        policy.lockDuration = 60
        let locked = (0..<10).reduce(ThrottleState.clear) { state, _ in policy.afterFailure(state, now: t) }
        #expect(policy.admission(locked, now: t + 59) == .locked(until: t + 60))
        #expect(policy.admission(locked, now: t + 60) == .allowed)
    }

    @Test func aClearStateTakesAttempts() {
        #expect(policy.admission(.clear, now: t) == .allowed)
    }
}

struct ThrottlePolicyBoundsTests {
    /// Settings as large as an operator may type them never trap: they saturate to "forever".
    @Test(arguments: [Int64.max, Int64.max / 2, 1 << 62])
    func hugeDurationsSaturate(_ huge: Int64) {
        var policy = ThrottlePolicy()
        policy.lockDuration = huge
        policy.initialDelay = huge
        let now: Int64 = 1_800_000_000
        var state = ThrottleState.clear
        for failure in 1...12 {
            state = policy.afterFailure(state, now: now)
            let admission = policy.admission(state, now: now + 1)
            if failure >= policy.delayFrom { #expect(admission != .allowed, "failure \(failure)") }
        }
        #expect(state.lockedUntil == ThrottlePolicy.indefinitely || state.lockedUntil! > now)
    }
}
