import Accounts
import Glibc
import SharedCounters
import Web

/// What the application counts, into the counters every worker process
/// shares (``SharedCounters``), so that any worker answers `/metrics` with
/// the totals of all. Counting is a relaxed atomic add: `/auth` pays a few
/// nanoseconds for it.
public struct Metrics: Sendable {
    let names: SharedMetrics
    let counters: SharedCounters

    /// Counting `names` into `counters`.
    public init(names: SharedMetrics, counters: SharedCounters) {
        self.names = names
        self.counters = counters
    }

    /// Counts the login outcome or replay an audit event reports.
    func count(_ event: AuditEvent) {
        if let result = Self.loginResult(of: event) { counters.add(to: names.logins(result)) }
        if case .replayRefused = event { counters.add(to: names.replaysRefused) }
    }

    /// How the login attempt `event` reports ended; nil for an event that ends none
    /// (`locked` comes with the failure that locked, which counts).
    static func loginResult(of event: AuditEvent) -> SharedMetrics.LoginResult? {
        switch event {
        case .loginSucceeded: .success
        case .loginFailed, .replayRefused: .failure
        case .throttled: .throttled
        case .refusedWhileLocked: .locked
        default: nil
        }
    }

    func count(_ result: SharedMetrics.LoginResult) {
        counters.add(to: names.logins(result))
    }

    public func count(_ result: SharedMetrics.AuthResult) {
        counters.add(to: names.authRequests(result))
    }

    /// Counts a request to `path` that took `duration` to answer.
    public func observe(_ path: String, took duration: Duration) {
        counters.record(Self.seconds(duration), in: names.requestDuration(of: path))
    }

    /// The login queue's figures, kept by the hashing pool.
    var loginQueue: HashingPool.QueueObserver {
        HashingPool.QueueObserver(
            queued: { [counters, names] in counters.add(to: names.loginQueueLength) },
            started: { [counters, names] waited in
                counters.subtract(from: names.loginQueueLength)
                counters.record(Self.seconds(waited), in: names.loginQueueWait)
            })
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// The `/metrics` page at `now` (Unix seconds): every shared figure, those
    /// of the processes read from `/proc` (the master's and its workers'), and
    /// whether the store answered the worker's ping (`storeIsUp`).
    func page(now: Int64, storeIsUp: Bool) -> String {
        var text = PrometheusText()
        text.add(names.layout, values: counters)
        text.gauge("totpgate_store_up", help: "1 when the store answered a trivial query within 1 s (as /healthz), else 0.",
                   storeIsUp ? 1 : 0)
        let started = counters.value(of: names.startTime)
        text.gauge("totpgate_uptime_seconds", help: "Time since the master process started.",
                   Double(started == 0 ? 0 : max(0, now - Int64(started))))
        let processes = ProcessFigures.of(counters.values(of: names.processes).filter { $0 != 0 }.map { pid_t($0) })
        text.gauge("totpgate_resident_memory_bytes", help: "Resident memory of the master and worker processes, summed.",
                   Double(processes.residentBytes))
        text.gauge("totpgate_open_fds", help: "Open file descriptors of the master and worker processes, summed.",
                   Double(processes.openDescriptors))
        return text.text
    }
}
