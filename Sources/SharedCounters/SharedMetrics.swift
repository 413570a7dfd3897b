/// The counters totpgate shares between its processes, under the metric names
/// of DESIGN.md. Every process builds this same value (from the same routes),
/// so the slots agree.
public struct SharedMetrics: Sendable {
    /// How a login attempt ended, as `totpgate_logins_total` labels it.
    public enum LoginResult: String, Sendable, CaseIterable {
        case success, failure, throttled, locked, busy
    }

    /// How `/auth` (or the FastCGI authorizer) decided, as `totpgate_auth_requests_total` labels it.
    public enum AuthResult: String, Sendable, CaseIterable {
        case allow, deny, anonymous
        case stepUp = "step_up"
    }

    /// The most worker processes alive at once: two generations of the
    /// largest `--workers` during a reload.
    public static let processTableSize = 2 * 64

    /// Where each counter lives in the shared region.
    public let layout: CounterLayout
    /// Login attempts by result, in ``LoginResult``'s order (``logins(_:)`` relies on it).
    private let logins: [Counter]
    /// `/auth` answers by result, in ``AuthResult``'s order (``authRequests(_:)`` relies on it).
    private let authRequests: [Counter]
    /// Right codes refused because their time step was already used.
    public let replaysRefused: Counter
    /// Workers the master started in place of ones that died.
    public let workerRestarts: Counter
    /// Sessions ended by a logout in any worker. Each worker's cache of
    /// session checks trusts an answer only while this has not moved, so a
    /// logout ends the session in every worker at once.
    public let sessionsEnded: Counter
    /// Worker processes alive, set by the master.
    public let workersAlive: Counter
    /// When the master started, Unix seconds, set by the master.
    public let startTime: Counter
    /// Logins waiting for a password-hashing thread now, over every worker.
    public let loginQueueLength: Counter
    /// How long logins waited for a password-hashing thread.
    public let loginQueueWait: Histogram
    /// Time to answer, by route; ``otherRoute`` for paths no route serves.
    private let requestDurations: [String: Histogram]
    private let otherRequestDuration: Histogram
    /// The process ids of the master and its live workers, kept by the master (0: a free slot).
    public let processes: SlotTable

    /// The label of the requests no route serves (404s), so that no client can
    /// make up label values.
    public static let otherRoute = "other"

    /// Metrics for an application serving `routes` (paths below the mount point).
    public init(routes: [String]) {
        var layout = CounterLayout()
        logins = LoginResult.allCases.map {
            layout.counter("totpgate_logins_total", labels: ["result": $0.rawValue],
                           help: "Login attempts (password, code or both) by result; busy: refused with 503 for want of a hashing thread.")
        }
        authRequests = AuthResult.allCases.map {
            layout.counter("totpgate_auth_requests_total", labels: ["result": $0.rawValue],
                           help: "Answers of /auth and the FastCGI authorizer by decision.")
        }
        replaysRefused = layout.counter("totpgate_replays_refused_total", help: "Right codes refused because their time step was used before.")
        workerRestarts = layout.counter("totpgate_worker_restarts_total", help: "Worker processes started in place of ones that died.")
        sessionsEnded = layout.counter("totpgate_sessions_ended_total", help: "Sessions ended by a logout.")
        workersAlive = layout.gauge("totpgate_workers_alive", help: "Worker processes alive.")
        startTime = layout.gauge("totpgate_start_time_seconds", help: "When the master process started, Unix seconds.")
        loginQueueLength = layout.gauge("totpgate_login_queue_length", help: "Logins waiting for a password-hashing thread now.")
        loginQueueWait = layout.histogram(
            "totpgate_login_queue_wait_seconds", bounds: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            help: "Time logins waited for a password-hashing thread.")
        let bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
        let durationHelp = "Time from the request's arrival at the responder to its answer, by route."
        var durations: [String: Histogram] = [:]
        for route in routes.sorted() where durations[route] == nil {
            durations[route] = layout.histogram("totpgate_request_duration_seconds", labels: ["route": route],
                                                bounds: bounds, help: durationHelp)
        }
        requestDurations = durations
        otherRequestDuration = layout.histogram("totpgate_request_duration_seconds", labels: ["route": Self.otherRoute],
                                                bounds: bounds, help: durationHelp)
        processes = layout.table(count: 1 + Self.processTableSize)
        self.layout = layout
    }

    /// The counter of logins that ended with `result`.
    public func logins(_ result: LoginResult) -> Counter {
        switch result {
        case .success: logins[0]
        case .failure: logins[1]
        case .throttled: logins[2]
        case .locked: logins[3]
        case .busy: logins[4]
        }
    }

    /// The counter of `/auth` answers that decided `result`.
    public func authRequests(_ result: AuthResult) -> Counter {
        switch result {
        case .allow: authRequests[0]
        case .deny: authRequests[1]
        case .anonymous: authRequests[2]
        case .stepUp: authRequests[3]
        }
    }

    /// The histogram of the requests to `path`.
    public func requestDuration(of path: String) -> Histogram {
        requestDurations[path] ?? otherRequestDuration
    }
}
