/// The three throttle rows of one attempt, as read together.
public struct AttemptStates: Sendable, Equatable {
    /// This address's failures on this name.
    public var pair: ThrottleState
    /// This name's failures from every address.
    public var account: ThrottleState
    /// This address's failures on every name.
    public var address: ThrottleState

    /// The three states.
    public init(pair: ThrottleState, account: ThrottleState, address: ThrottleState) {
        self.pair = pair
        self.account = account
        self.address = address
    }

    /// No failures anywhere.
    public static let clear = AttemptStates(pair: .clear, account: .clear, address: .clear)
}

/// Throttling by name and client address (DESIGN.md, "Throttling by client
/// address"), as pure functions of the three rows an attempt touches.
///
/// - **pair** (name, address): the configured policy, so one address
///   throttles and locks only itself: delays from its 5th failure, a lock at
///   its 10th, until `user unlock` at its 100th.
/// - **account** (name, any address): the same policy, but an address's
///   failures count here only while its pair has fewer than
///   ``accountShare`` (4): account-wide delays need at least 2 addresses,
///   the lock 3, the lock until `user unlock` 25.
/// - **address** (any name, address), against password spraying: every
///   failure from the address counts; delays from the 20th, a lock for the
///   lock duration from the 30th, never until `user unlock`.
///
/// An attempt is admitted only if all three admit it. A full success resets
/// all three; unlocking a user clears their pair and account rows.
public struct ThrottleRules: Sendable, Equatable {
    /// The rule for one address's failures on one name.
    public var pair: ThrottlePolicy
    /// The rule for one name's failures from every address.
    public var account: ThrottlePolicy
    /// The rule for one address's failures on every name.
    public var address: ThrottlePolicy
    /// Failures of one pair that also count account-wide.
    public var accountShare = 4

    /// The rules built on `policy`: pair and account follow it; the address
    /// rule takes its delay and lock duration, with delays from the 20th
    /// failure and a lock from the 30th that never lasts until `user unlock`.
    public init(policy: ThrottlePolicy = ThrottlePolicy()) {
        pair = policy
        account = policy
        address = policy
        address.delayFrom = 20
        address.lockFrom = 30
        address.locksIndefinitely = false
    }

    /// Whether an attempt with these rows is admitted at `now`: locked when
    /// any row is locked (until the latest end), else throttled when any row
    /// is (for the longest wait), else allowed.
    public func admission(_ states: AttemptStates, now: Int64) -> Admission {
        let each = [
            pair.admission(states.pair, now: now),
            account.admission(states.account, now: now),
            address.admission(states.address, now: now),
        ]
        var lockedUntil: [Int64?] = []
        var waits: [Int64] = []
        for admission in each {
            switch admission {
            case .allowed: break
            case .throttled(let retryAfter): waits.append(retryAfter)
            case .locked(let until): lockedUntil.append(until)
            }
        }
        if !lockedUntil.isEmpty {
            return .locked(until: lockedUntil.contains(nil) ? nil : lockedUntil.compactMap { $0 }.max())
        }
        if let wait = waits.max() { return .throttled(retryAfter: wait) }
        return .allowed
    }

    /// The rows after one more failure at `now`: the pair and the address
    /// count it; the account counts it while the pair had fewer than ``accountShare``.
    public func afterFailure(_ states: AttemptStates, now: Int64) -> AttemptStates {
        AttemptStates(
            pair: pair.afterFailure(states.pair, now: now),
            account: states.pair.failures < accountShare ? account.afterFailure(states.account, now: now) : states.account,
            address: address.afterFailure(states.address, now: now))
    }
}

/// Which of an attempt's throttle rows, for audit lines.
public enum ThrottleScope: String, Sendable {
    /// One address's attempts on one name.
    case pair
    /// One name's attempts from every address.
    case account
    /// One address's attempts on every name.
    case address
}
