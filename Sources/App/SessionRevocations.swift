import Accounts
import Synchronization
import SystemIO
import Web

/// Whether signed sessions are still current: the user still exists, their
/// session generation has not moved on (logout everywhere, password change,
/// 2FA reset) and this session was not logged out.
///
/// Workers are stateless, so the answer comes from the store, cached per
/// session for at most ``timeToLive``: a logout in this process takes effect
/// at once (it clears the entry); one in another process, host or the CLI
/// within ``timeToLive``. `/auth` thus costs a dictionary lookup, not a query.
final class SessionRevocations: Sendable {
    /// How long an answer from the store is trusted.
    static let timeToLive: Duration = .seconds(1)
    /// Entries kept before expired ones are swept.
    static let capacity = 10_000

    private struct Entry {
        let isCurrent: Bool
        let fetchedAt: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let clock: any TimeSource

    /// An empty cache, timing its answers by `clock`'s monotonic instants.
    init(clock: any TimeSource) {
        self.clock = clock
    }

    /// Whether `session` (of a user) is still current, asking `accounts` when the cache has no fresh answer.
    func isCurrent(_ session: Session, accounts: AccountService) throws -> Bool {
        guard let userID = session.userID else { return true }  // anonymous: nothing to revoke
        let asked = clock.instant
        if let cached = entries.withLock({ $0[session.id] }), asked - cached.fetchedAt < Self.timeToLive {
            return cached.isCurrent
        }
        let status = try accounts.sessionStatus(userID: userID, sessionID: session.id)
        let isCurrent = status.map { $0.generation == session.generation && !$0.isRevoked } ?? false
        store(Entry(isCurrent: isCurrent, fetchedAt: asked), for: session.id)
        return isCurrent
    }

    /// Records that this process just logged a session out, so it counts at once
    /// here, even against a check that read the store before the logout.
    func recordLogout(_ sessionID: String) {
        store(Entry(isCurrent: false, fetchedAt: clock.instant), for: sessionID)
    }

    /// Keeps `entry` unless a newer answer (a logout recorded meanwhile) is there already.
    private func store(_ entry: Entry, for sessionID: String) {
        entries.withLock { entries in
            if let existing = entries[sessionID], existing.fetchedAt > entry.fetchedAt { return }
            if entries.count >= Self.capacity {
                let now = clock.instant
                entries = entries.filter { now - $0.value.fetchedAt < Self.timeToLive }
                if entries.count >= Self.capacity { entries.removeAll() }
            }
            entries[sessionID] = entry
        }
    }
}
