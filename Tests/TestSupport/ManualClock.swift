import Synchronization
import SystemIO

/// A clock the test moves by hand: wall time and monotonic instants advance together.
public final class ManualClock: TimeSource {
    private let elapsed = Mutex<Int64>(0)
    private let start: Int64
    private let origin = ContinuousClock.now

    /// A clock standing at `start`, Unix seconds (2027-01-15 by default).
    public init(start: Int64 = 1_800_000_000) {
        self.start = start
    }

    public var now: Int64 { start + elapsed.withLock { $0 } }

    public var instant: ContinuousClock.Instant { origin.advanced(by: .seconds(elapsed.withLock { $0 })) }

    /// Moves the clock `seconds` on.
    public func advance(_ seconds: Int64) {
        elapsed.withLock { $0 += seconds }
    }
}
