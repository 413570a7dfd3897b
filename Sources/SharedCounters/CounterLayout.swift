/// Where each shared counter lives: one 64-bit slot per counter, a run of
/// slots per histogram, numbered in the order they are declared.
///
/// The master and every worker run the same binary and build the same
/// layout, so a slot number means the same counter in every process.
public struct CounterLayout: Sendable {
    /// Slots before the first counter: a marker and the slot count, so a
    /// process can check that an inherited region was made for its layout.
    static let headerSlots = 2

    /// Every slot, the header's included.
    public private(set) var slotCount = CounterLayout.headerSlots
    /// The counters, in declaration order.
    public private(set) var counters: [Counter] = []
    /// The histograms, in declaration order.
    public private(set) var histograms: [Histogram] = []

    public init() {}

    /// Declares a counter; `labels` tell apart the series of one metric name.
    public mutating func counter(_ name: String, labels: KeyValuePairs<String, String> = [:]) -> Counter {
        let counter = Counter(name: name, labels: labels.map { ($0.key, $0.value) }, slot: slotCount)
        slotCount += 1
        counters.append(counter)
        return counter
    }

    /// Declares a histogram with the given bucket upper bounds (in seconds,
    /// ascending); values above the last bound fall in the `+Inf` bucket.
    public mutating func histogram(_ name: String, labels: KeyValuePairs<String, String> = [:], bounds: [Double]) -> Histogram {
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram bounds must ascend")
        let histogram = Histogram(name: name, labels: labels.map { ($0.key, $0.value) }, bounds: bounds, firstSlot: slotCount)
        slotCount += histogram.slotCount
        histograms.append(histogram)
        return histogram
    }
}

/// A 64-bit counter that only grows, shared by every process.
public struct Counter: Sendable {
    public let name: String
    public let labels: [(name: String, value: String)]
    let slot: Int
}

/// Observations counted by bucket, with their sum, shared by every process.
///
/// Slots: one per bound and one for `+Inf`, each counting the observations
/// that fell in that bucket alone (not cumulated), then the sum in nanoseconds.
public struct Histogram: Sendable {
    public let name: String
    public let labels: [(name: String, value: String)]
    /// Upper bounds of the buckets, in seconds, ascending.
    public let bounds: [Double]
    let firstSlot: Int

    var slotCount: Int { bounds.count + 2 }
    var sumSlot: Int { firstSlot + bounds.count + 1 }

    /// The slot of the bucket `seconds` falls in.
    func bucketSlot(for seconds: Double) -> Int {
        firstSlot + (bounds.firstIndex { seconds <= $0 } ?? bounds.count)
    }
}

/// A histogram's totals at one moment, as Prometheus reports them.
public struct HistogramSnapshot: Sendable, Equatable {
    /// For each bound, the observations at or below it (cumulative); the last
    /// entry, for `+Inf`, equals ``count``.
    public let cumulativeCounts: [UInt64]
    public let count: UInt64
    public let sumSeconds: Double
}
