import Testing
@testable import Supervisor

struct RestartBackoffTests {
    @Test func aWorkerThatRanAWhileIsReplacedAtOnce() {
        var backoff = RestartBackoff()
        for _ in 0..<5 { #expect(backoff.delay(afterWorkerLived: .seconds(3600)) == .zero) }
    }

    @Test func quickDeathsInARowBackOffUpToTheLongestDelay() {
        var backoff = RestartBackoff()
        let delays = (0..<12).map { _ in backoff.delay(afterWorkerLived: .milliseconds(300)) }
        #expect(delays == [.zero, .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8),
                           .seconds(16), .seconds(30), .seconds(30), .seconds(30), .seconds(30)])
    }

    @Test func aHealthyWorkerStartsTheCountAfresh() {
        var backoff = RestartBackoff()
        for _ in 0..<4 { _ = backoff.delay(afterWorkerLived: .zero) }
        #expect(backoff.delay(afterWorkerLived: RestartBackoff.healthyLifetime) == .zero)
        #expect(backoff.delay(afterWorkerLived: .zero) == .zero)
        #expect(backoff.delay(afterWorkerLived: .zero) == RestartBackoff.firstDelay)
    }

    @Test func theCountNeverOverflows() {
        var backoff = RestartBackoff()
        for _ in 0..<10_000 { #expect(backoff.delay(afterWorkerLived: .zero) <= RestartBackoff.longestDelay) }
    }
}
