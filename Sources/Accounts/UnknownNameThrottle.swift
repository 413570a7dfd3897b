import Crypto
import Synchronization

/// The throttle for names that are no account, in memory: an unknown name
/// fails, is delayed and "locks" exactly like a known one, so the "too many
/// attempts" answer does not tell which names exist.
///
/// Names are kept only as keyed hashes (people type passwords into the name
/// field) under a key made per process. State is per process, which is enough
/// to hide which names exist; the real accounts' throttle lives in the store.
public final class UnknownNameThrottle: Sendable {
    /// Names remembered before the oldest are forgotten.
    static let capacity = 10_000

    private let key: [UInt8]
    private let states = Mutex<[[UInt8]: ThrottleState]>([:])

    /// An empty throttle with a fresh hashing key.
    public init() throws {
        key = try SecureRandom.bytes(count: 32)
    }

    /// Names remembered now.
    var count: Int { states.withLock { $0.count } }

    /// Counts a failed attempt on `name` at `now`, unless `policy` refuses it
    /// unchecked; returns that refusal, or nil when the attempt was counted.
    func claim(_ name: String, policy: ThrottlePolicy, now: Int64) throws -> Refusal? {
        let id = try HMAC.authenticationCode(algorithm: .sha256, key: key, message: Array(name.lowercased().utf8))
        return states.withLock { states in
            let state = states[id] ?? .clear
            switch policy.admission(state, now: now) {
            case .throttled(let retryAfter): return .throttled(retryAfter: retryAfter)
            case .locked: return .locked
            case .allowed: break
            }
            if states[id] == nil, states.count >= Self.capacity {
                // Forget the names idle longest; an attacker cycling names only buys fresh counts, as with new names.
                let oldest = states.sorted { ($0.value.lastFailureAt ?? 0) < ($1.value.lastFailureAt ?? 0) }.prefix(Self.capacity / 10)
                for (forgotten, _) in oldest { states.removeValue(forKey: forgotten) }
            }
            states[id] = policy.afterFailure(state, now: now)
            return nil
        }
    }
}
