import Accounts
import SharedCounters
import Synchronization
import SystemIO
import Web

/// Whether signed sessions are still current: the user still exists, their
/// session generation has not moved on (logout everywhere, password change,
/// 2FA reset) and this session was not logged out.
///
/// Workers are stateless, so the answer comes from the store, cached per
/// session for at most ``timeToLive``: a logout in any worker of this host
/// takes effect at once (it counts in the shared `sessionsEnded`, and a cached
/// answer older than the last logout is not trusted); one on another host or
/// through the CLI within ``timeToLive``. `/auth` thus costs a dictionary
/// lookup and an atomic load, not a query.
///
/// While the store cannot be reached (``StoreError/unavailable(_:)``), a
/// session this worker checked less than ``outageGrace`` ago keeps that
/// answer, so a database restart or failover of a few seconds logs nobody
/// out; any other session's check fails with the store's error, which the
/// router answers 503: `/auth` fails closed, and nginx denies the request.
/// A logout elsewhere during an outage thus takes at most ``outageGrace``
/// to reach this worker, instead of ``timeToLive``.
final class SessionRevocations: Sendable {
    /// How long an answer from the store is trusted.
    static let timeToLive: Duration = .seconds(1)
    /// How long an answer is kept while the store cannot be reached.
    static let outageGrace: Duration = .seconds(10)
    /// Entries kept before expired ones are swept.
    static let capacity = 10_000

    private struct Entry {
        /// The user's groups while the session is current; nil once it has ended.
        let groups: [String]?
        let fetchedAt: ContinuousClock.Instant
        /// Logouts counted in every worker before the answer was fetched.
        let logoutsBefore: UInt64
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let clock: any TimeSource
    private let logouts: (counters: SharedCounters, counter: Counter)?

    /// An empty cache, timing its answers by `clock`'s monotonic instants, and
    /// told of other workers' logouts through `logouts`, when there are other workers.
    init(clock: any TimeSource, logouts: (counters: SharedCounters, counter: Counter)? = nil) {
        self.clock = clock
        self.logouts = logouts
    }

    private var logoutCount: UInt64 {
        logouts.map { $0.counters.value(of: $0.counter) } ?? 0
    }

    /// The groups of `session`'s user (none for an anonymous one) while the
    /// session is current, nil once it has ended; asks `accounts` when the
    /// cache has no fresh answer. Group changes thus reach `/auth` as fast as logouts.
    func currentGroups(of session: Session, accounts: AccountService) throws -> [String]? {
        guard let userID = session.userID else { return [] }  // anonymous: nothing to revoke
        let asked = clock.instant
        let logoutsBefore = logoutCount  // read before the store, so a logout after it voids the answer
        let cached = entries.withLock { $0[session.id] }.flatMap { $0.logoutsBefore == logoutsBefore ? $0 : nil }
        if let cached, asked - cached.fetchedAt < Self.timeToLive {
            return cached.groups
        }
        let status: SessionStatus?
        do {
            status = try accounts.sessionStatus(userID: userID, sessionID: session.id)
        } catch let error as StoreError {
            guard case .unavailable = error, let cached, asked - cached.fetchedAt < Self.outageGrace else { throw error }
            return cached.groups
        }
        let groups = status.flatMap { $0.generation == session.generation && !$0.isRevoked ? $0.groups : nil }
        store(Entry(groups: groups, fetchedAt: asked, logoutsBefore: logoutsBefore), for: session.id)
        return groups
    }

    /// Records that this process just logged a session out (in the store), so
    /// it counts at once here, even against a check that read the store before
    /// the logout, and in every other worker.
    func recordLogout(_ sessionID: String) {
        if let logouts { logouts.counters.add(to: logouts.counter) }
        store(Entry(groups: nil, fetchedAt: clock.instant, logoutsBefore: logoutCount), for: sessionID)
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
