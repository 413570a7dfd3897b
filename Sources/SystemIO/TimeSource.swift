#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where time comes from, injected into whatever reads it (pointfreeco's
/// swift-clocks idea): the system's clocks in production, a clock tests move
/// by hand instead of sleeping.
public protocol TimeSource: Sendable {
    /// Unix seconds, for what outlives the process or crosses hosts: sessions,
    /// TOTP steps, throttling.
    var now: Int64 { get }
    /// A monotonic instant, for how long this process trusts what it cached.
    var instant: ContinuousClock.Instant { get }
}

/// The system's wall clock and monotonic clock.
public struct SystemClock: TimeSource {
    public init() {}

    public var now: Int64 { Int64(time(nil)) }

    public var instant: ContinuousClock.Instant { .now }
}
