/// An attempt counted as a failure *before* its credentials are checked.
///
/// Counting first is what makes the throttle hold against parallel attempts:
/// had the count waited for the check, a hundred guesses sent at once would
/// all pass the admission test together. A success then resets the count, and
/// a right password that still needs its code gives its count back
/// (``UserStore/refund(_:)``) — it neither counts nor resets, so the code
/// step cannot be brute-forced by interleaving right passwords.
struct AttemptClaim {
    let userID: Int64
    /// The state the claim replaced.
    let before: ThrottleState
    /// The state with this attempt counted.
    let after: ThrottleState

    /// Whether counting this attempt locked the account.
    var locksAccount: Bool { after.lockedUntil != nil && after.lockedUntil != before.lockedUntil }
}

/// What a claim came to.
enum ClaimResult {
    /// The attempt is counted and may be checked.
    case claimed(AttemptClaim)
    /// The account takes no attempt now (or was deleted meanwhile); nothing was counted.
    case refused(Refusal)
}

extension UserStore {
    /// Admits and counts one attempt on `userID`, starting from `state` as last read.
    ///
    /// The count is a compare-and-set: when another worker counted first, the
    /// state is read again and admission decided afresh, so every admitted
    /// attempt is counted exactly once. Each lost race means another attempt
    /// was counted, which soon throttles the account, so the loop is short.
    func claimAttempt(userID: Int64, state: ThrottleState, policy: ThrottlePolicy, now: Int64) throws -> ClaimResult {
        var current = state
        while true {
            switch policy.admission(current, now: now) {
            case .allowed: break
            case .throttled(let retryAfter): return .refused(.throttled(retryAfter: retryAfter))
            case .locked: return .refused(.locked)
            }
            let counted = policy.afterFailure(current, now: now)
            if try replaceThrottleState(userID: userID, expected: current, with: counted) {
                return .claimed(AttemptClaim(userID: userID, before: current, after: counted))
            }
            guard let fresh = try user(id: userID) else { return .refused(.failed) }
            current = fresh.throttle
        }
    }

    /// Takes back a claim's count, if nothing has been counted since; otherwise
    /// the attempt stays counted, which errs on the safe side.
    func refund(_ claim: AttemptClaim) throws {
        _ = try replaceThrottleState(userID: claim.userID, expected: claim.after, with: claim.before)
    }
}
