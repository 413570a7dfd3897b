import Testing
@testable import Accounts

struct UnknownNameThrottleTests {
    let t = Fixture.now

    /// After five failures a known and an unknown name get the same answer,
    /// so "too many attempts" does not tell which names are accounts.
    @Test func unknownNamesAreThrottledLikeAccounts() throws {
        let fixture = try ServiceFixture()
        var service = fixture.service
        service.unknownNames = try UnknownNameThrottle()
        try fixture.addUser("alice")
        for _ in 0..<5 {
            #expect(try service.login(name: "alice", password: "wrong horse", code: nil, now: t) == .refused(.failed))
            #expect(try service.login(name: "mallory", password: "wrong horse", code: nil, now: t) == .refused(.failed))
        }
        let known = try service.login(name: "alice", password: "wrong horse", code: nil, now: t + 1)
        let unknown = try service.login(name: "MALLORY", password: "wrong horse", code: nil, now: t + 1)
        #expect(known == .refused(.throttled(retryAfter: 29)))
        #expect(unknown == known)
        #expect(try service.login(name: "mallory", password: "x", code: nil, now: t + 30) == .refused(.failed))
    }

    @Test func lockingAndForgettingFollowThePolicy() throws {
        let throttle = try UnknownNameThrottle()
        var policy = ThrottlePolicy()
        policy.initialDelay = 0
        for _ in 0..<10 { #expect(try throttle.claim("ghost", policy: policy, now: t) == nil) }
        #expect(try throttle.claim("ghost", policy: policy, now: t) == .locked)
        #expect(try throttle.claim("ghost", policy: policy, now: t + policy.lockDuration) == nil)
        #expect(try throttle.claim("other", policy: policy, now: t) == nil)
    }

    @Test func staysBoundedUnderManyNames() throws {
        let throttle = try UnknownNameThrottle()
        for index in 0..<(UnknownNameThrottle.capacity + 500) {
            _ = try throttle.claim("name\(index)", policy: ThrottlePolicy(), now: t + Int64(index))
        }
        #expect(throttle.count <= UnknownNameThrottle.capacity)
    }
}
