import Synchronization
import Web

/// Limits how many password hashes (scrypt: tens of milliseconds and 32 MiB
/// each) run at once, so a flood of logins, even for unknown names, cannot
/// take every worker thread or every core from cheap requests such as `/auth`.
/// An attempt beyond the limit is not queued: it gets `503` and `Retry-After`.
final class HashingGate: Sendable {
    let slots: Int
    private let busy = Mutex(0)

    init(slots: Int) {
        self.slots = max(1, slots)
    }

    /// Runs `body` in a free slot, or throws 503 when all are taken.
    func run<Result>(_ body: () throws -> Result) throws -> Result {
        let admitted = busy.withLock { busy in
            guard busy < slots else { return false }
            busy += 1
            return true
        }
        guard admitted else {
            throw HTTPError(.serviceUnavailable, message: "Too many sign-ins at this moment. Please try again in a second.",
                            headers: ["Retry-After": "1"])
        }
        defer { busy.withLock { $0 -= 1 } }
        return try body()
    }
}
