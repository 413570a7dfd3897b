/// The counters totpgate shares between its processes, under the metric names
/// of DESIGN.md. Every process builds this same value, so the slots agree.
public struct SharedMetrics: Sendable {
    /// Where each counter lives in the shared region.
    public let layout: CounterLayout
    /// Workers the master started in place of ones that died.
    public let workerRestarts: Counter
    /// Sessions ended by a logout in any worker. Each worker's cache of
    /// session checks trusts an answer only while this has not moved, so a
    /// logout ends the session in every worker at once.
    public let sessionsEnded: Counter

    public init() {
        var layout = CounterLayout()
        workerRestarts = layout.counter("totpgate_worker_restarts_total")
        sessionsEnded = layout.counter("totpgate_sessions_ended_total")
        self.layout = layout
    }
}
