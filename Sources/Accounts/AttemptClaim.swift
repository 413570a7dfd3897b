/// The three throttle rows of an attempt on `subject` from `client`.
struct AttemptKeys {
    let pair: ThrottleKey
    let account: ThrottleKey
    let address: ThrottleKey

    init(subject: ThrottleSubject, client: ClientAddress) {
        pair = .pair(subject, client)
        account = .account(subject)
        address = .address(client)
    }

    /// In the order every store locks them: pair, account, address.
    var all: [ThrottleKey] { [pair, account, address] }
}

/// An attempt counted as a failure *before* its credentials are checked.
///
/// Counting first is what makes the throttle hold against parallel attempts:
/// had the count waited for the check, a hundred guesses sent at once would
/// all pass the admission test together. A success then resets the count, and
/// a right password that still needs its code gives its count back
/// (``UserStore/refund(_:)``) — it neither counts nor resets, so the code
/// step cannot be brute-forced by interleaving right passwords.
struct AttemptClaim {
    let keys: AttemptKeys
    /// The states the claim replaced.
    let before: AttemptStates
    /// The states with this attempt counted.
    let after: AttemptStates

    /// The rows that counting this attempt locked.
    var newLocks: [ThrottleScope] {
        [(ThrottleScope.pair, before.pair, after.pair), (.account, before.account, after.account),
         (.address, before.address, after.address)]
            .filter { _, before, after in after.lockedUntil != nil && after.lockedUntil != before.lockedUntil }
            .map(\.0)
    }

    /// The changes that count the attempt, every row included: an unchanged
    /// account row still guards against a lock counted meanwhile.
    var changes: [ThrottleChange] {
        zip(keys.all, zip([before.pair, before.account, before.address], [after.pair, after.account, after.address]))
            .map { key, states in ThrottleChange(key: key, expected: states.0, new: states.1) }
    }
}

/// What a claim came to.
enum ClaimResult {
    /// The attempt is counted and may be checked.
    case claimed(AttemptClaim)
    /// The attempt is refused unchecked; nothing was counted.
    case refused(Refusal)
}

extension UserStore {
    /// Admits and counts one attempt on the rows of `keys`.
    ///
    /// The count is one compare-and-set over the three rows: when another
    /// worker counted first, the rows are read again and admission decided
    /// afresh, so every admitted attempt is counted exactly once. Each lost
    /// race means another attempt was counted, which soon throttles, so the loop is short.
    func claimAttempt(_ keys: AttemptKeys, rules: ThrottleRules, now: Int64) throws -> ClaimResult {
        while true {
            let read = try throttleStates(keys.all)
            let states = AttemptStates(pair: read[0], account: read[1], address: read[2])
            switch rules.admission(states, now: now) {
            case .allowed: break
            case .throttled(let retryAfter): return .refused(.throttled(retryAfter: retryAfter))
            case .locked: return .refused(.locked)
            }
            let claim = AttemptClaim(keys: keys, before: states, after: rules.afterFailure(states, now: now))
            if try replaceThrottleStates(claim.changes) { return .claimed(claim) }
        }
    }

    /// Takes back a claim's count, row by row, where nothing has been counted
    /// since; a row counted meanwhile keeps this attempt too, which errs on the safe side.
    func refund(_ claim: AttemptClaim) throws {
        for change in claim.changes where change.new != change.expected {
            _ = try replaceThrottleStates([ThrottleChange(key: change.key, expected: change.new, new: change.expected)])
        }
    }
}
