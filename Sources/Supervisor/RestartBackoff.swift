/// How long the master waits before replacing a worker that died.
///
/// A worker that had run a while is replaced at once. One that dies soon
/// after it started (a crash on start, a broken store) is replaced at once
/// the first time, then after a delay that doubles with each further quick
/// death, so a crash loop backs off instead of spinning.
struct RestartBackoff: Sendable {
    /// A worker that lived this long was healthy: its death starts the count afresh.
    static let healthyLifetime: Duration = .seconds(10)
    static let firstDelay: Duration = .milliseconds(250)
    static let longestDelay: Duration = .seconds(30)

    /// Deaths in a row of workers that lived less than ``healthyLifetime``.
    private(set) var quickDeaths = 0

    /// The delay before replacing a worker that lived `lifetime`.
    mutating func delay(afterWorkerLived lifetime: Duration) -> Duration {
        guard lifetime < Self.healthyLifetime else {
            quickDeaths = 0
            return .zero
        }
        quickDeaths += 1
        guard quickDeaths > 1 else { return .zero }
        let doublings = min(quickDeaths - 2, 16)
        return min(Self.firstDelay * (1 << doublings), Self.longestDelay)
    }
}
