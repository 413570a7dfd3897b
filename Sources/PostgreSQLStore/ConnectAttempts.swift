import Synchronization

/// Connection attempts to each server, shared by every store of the process.
///
/// While a server is reachable, every store connects freely. Once an attempt
/// finds it unreachable, the others give up at once with the same error for
/// `retryAfter`, and then one of them tries again while the rest keep giving
/// up, until an attempt succeeds. A server gone from the network (packets
/// dropped, `connect_timeout` to wait out) thus holds up one worker thread
/// at a time, not all of them, and the pages that need no store still
/// answer; a returning server is found within `retryAfter`.
final class ConnectAttempts: Sendable {
    /// The process's attempts.
    static let shared = ConnectAttempts(retryAfter: .seconds(1), now: { ContinuousClock.now })

    private struct Outage {
        /// When the last attempt failed.
        var failedAt: ContinuousClock.Instant
        /// Why, to repeat to those that give up without trying.
        var reason: PostgreSQLError
        /// Whether one store is trying again now.
        var retrying = false
    }

    private let retryAfter: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    /// The servers found unreachable, by URI.
    private let outages = Mutex<[String: Outage]>([:])

    /// Attempts that wait `retryAfter` after a failure, on the clock `now`.
    init(retryAfter: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.retryAfter = retryAfter
        self.now = now
    }

    /// Runs `connect` (which opens a connection to `target`), unless `target`
    /// was found unreachable less than `retryAfter` ago or another store is
    /// trying it again: then throws that failure's error without trying.
    func attempt<T>(_ target: ConnectionString, _ connect: () throws -> T) throws -> T {
        let key = target.uri
        let refusal: PostgreSQLError? = outages.withLock { outages in
            guard var outage = outages[key] else { return nil }
            if outage.retrying || now() - outage.failedAt < retryAfter { return outage.reason }
            outage.retrying = true
            outages[key] = outage
            return nil
        }
        if let refusal { throw refusal }
        do {
            let connected = try connect()
            outages.withLock { $0[key] = nil }
            return connected
        } catch let error as PostgreSQLError where error.kind == .unavailable {
            outages.withLock { $0[key] = Outage(failedAt: now(), reason: error) }
            throw error
        } catch {
            // Reached, but something else went wrong (a schema too new): not an outage.
            outages.withLock { $0[key] = nil }
            throw error
        }
    }
}
