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
    /// The metrics' help texts, by name.
    public private(set) var help: [String: String] = [:]

    public init() {}

    /// Declares a counter; `labels` tell apart the series of one metric name.
    public mutating func counter(_ name: String, labels: KeyValuePairs<String, String> = [:], help: String = "") -> Counter {
        declare(name, help: help, kind: .counter, labels: labels)
    }

    /// Declares a gauge: a value that is set, or goes up and down.
    public mutating func gauge(_ name: String, labels: KeyValuePairs<String, String> = [:], help: String = "") -> Counter {
        declare(name, help: help, kind: .gauge, labels: labels)
    }

    /// Declares `count` slots that are no metric: values the processes share,
    /// such as the table of worker process ids.
    public mutating func table(count: Int) -> SlotTable {
        let table = SlotTable(firstSlot: slotCount, count: count)
        slotCount += count
        return table
    }

    private mutating func declare(_ name: String, help: String, kind: Counter.Kind, labels: KeyValuePairs<String, String>) -> Counter {
        let counter = Counter(name: name, kind: kind, labels: labels.map { ($0.key, $0.value) }, slot: slotCount)
        slotCount += 1
        counters.append(counter)
        if !help.isEmpty { self.help[name] = help }
        return counter
    }

    /// Declares a histogram with the given bucket upper bounds (in seconds,
    /// ascending); values above the last bound fall in the `+Inf` bucket.
    public mutating func histogram(_ name: String, labels: KeyValuePairs<String, String> = [:], bounds: [Double],
                                   help: String = "") -> Histogram {
        if !help.isEmpty { self.help[name] = help }
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram bounds must ascend")
        let histogram = Histogram(name: name, labels: labels.map { ($0.key, $0.value) }, bounds: bounds, firstSlot: slotCount)
        slotCount += histogram.slotCount
        histograms.append(histogram)
        return histogram
    }
}

/// A 64-bit value shared by every process: a counter that only grows, or a gauge.
public struct Counter: Sendable {
    /// How Prometheus reads the value.
    public enum Kind: String, Sendable {
        case counter, gauge
    }

    public let name: String
    public let kind: Kind
    public let labels: [(name: String, value: String)]
    let slot: Int
}

/// Slots that hold no metric: values one process sets for the others to read.
public struct SlotTable: Sendable {
    let firstSlot: Int
    /// How many values the table holds.
    public let count: Int
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
