/// One throttle row's consecutive failures and the lock they led to.
public struct ThrottleState: Sendable, Equatable {
    /// Consecutive failed attempts since the last success or unlock.
    public var failures: Int
    /// When the last one was counted (Unix seconds).
    public var lastFailureAt: Int64?
    /// Until when the row takes no attempt; ``ThrottlePolicy/indefinitely`` until `user unlock`.
    public var lockedUntil: Int64?

    /// No failures, no lock.
    public static let clear = ThrottleState(failures: 0, lastFailureAt: nil, lockedUntil: nil)

    /// A state; the initialiser exists so stores can rebuild one from their rows.
    public init(failures: Int, lastFailureAt: Int64?, lockedUntil: Int64?) {
        self.failures = failures
        self.lastFailureAt = lastFailureAt
        self.lockedUntil = lockedUntil
    }
}

/// Whether a throttle row (or all of an attempt's rows) takes an attempt now.
public enum Admission: Sendable, Equatable {
    /// Check the credentials.
    case allowed
    /// Refuse unchecked, without counting: too soon after the last failure.
    case throttled(retryAfter: Int64)
    /// Refuse unchecked, even right credentials; `until` is nil for a lock only `user unlock` lifts.
    case locked(until: Int64?)
}

/// The rule for one row's consecutive failures, as pure functions of the state
/// and the time.
///
/// With the defaults: failures 1–4 cost nothing; after the 5th the row
/// takes no attempt for 30 s, doubling with each further failure (60, 120,
/// 240, 480 s) but never longer than a lock; the 10th and every later failure
/// lock it for an hour; the 100th locks it until `user unlock` (NIST SP
/// 800-63B 5.2.2: never more than 100 consecutive failures).
public struct ThrottlePolicy: Sendable, Equatable {
    /// The `lockedUntil` of a lock that only `user unlock` lifts.
    public static let indefinitely = Int64.max

    /// The failure after which attempts are first delayed.
    public var delayFrom = 5
    /// The first delay in seconds; it doubles with each further failure.
    public var initialDelay: Int64 = 30
    /// The failure that locks the row, as does each one after it.
    public var lockFrom = 10
    /// Seconds a lock lasts unless `user unlock` lifts it sooner.
    public var lockDuration: Int64 = 3600
    /// The failure that locks the row until `user unlock`; the count never
    /// goes higher. At most 100, NIST's limit, which the SQLite schema enforces.
    public var maximumFailures = 100
    /// Whether reaching ``maximumFailures`` locks until `user unlock`; when
    /// false it locks for ``lockDuration`` like the failures before it.
    public var locksIndefinitely = true

    /// The default policy.
    public init() {}

    /// Whether the row in `state` takes an attempt at `now`.
    public func admission(_ state: ThrottleState, now: Int64) -> Admission {
        if let until = state.lockedUntil, now < until {
            return .locked(until: until == Self.indefinitely ? nil : until)
        }
        if let delay = delay(after: state.failures), let last = state.lastFailureAt, now < last.saturatingAdding(delay) {
            return .throttled(retryAfter: last.saturatingAdding(delay) - now)
        }
        return .allowed
    }

    /// The state after one more failure at `now`.
    public func afterFailure(_ state: ThrottleState, now: Int64) -> ThrottleState {
        let failures = min(state.failures + 1, maximumFailures)
        let lockedUntil: Int64? = switch failures {
        case maximumFailures where locksIndefinitely: Self.indefinitely
        case lockFrom...: now.saturatingAdding(lockDuration)
        default: nil
        }
        return ThrottleState(failures: failures, lastFailureAt: now, lockedUntil: lockedUntil)
    }

    /// The wait after `failures` consecutive failures below the lock, if any;
    /// never longer than a lock, however many doublings come before it.
    func delay(after failures: Int) -> Int64? {
        guard failures >= delayFrom, failures < lockFrom else { return nil }
        let doublings = failures - delayFrom
        guard doublings < 63 else { return lockDuration }
        let (delay, overflow) = initialDelay.multipliedReportingOverflow(by: 1 << Int64(doublings))
        return overflow ? lockDuration : min(delay, lockDuration)
    }
}

extension Int64 {
    /// The sum, or `Int64.max` where it would overflow: settings an operator
    /// may set very large ("lock forever") must never trap the responder.
    func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
