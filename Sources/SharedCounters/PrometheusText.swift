/// The Prometheus text exposition format (version 0.0.4), written by hand:
/// swift-prometheus keeps its values in its own process's memory and takes
/// histogram observations one at a time, so it cannot report the totals the
/// workers keep in shared memory (README, Metrics).
public struct PrometheusText: Sendable {
    /// The media type of the format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public private(set) var text = ""
    private var families: Set<String> = []

    public init() {}

    /// Every counter, gauge and histogram of `layout`, with the values of `counters`.
    public mutating func add(_ layout: CounterLayout, values counters: SharedCounters) {
        for counter in layout.counters {
            family(counter.name, type: counter.kind.rawValue, help: layout.help[counter.name])
            sample(counter.name, counter.labels, String(counters.value(of: counter)))
        }
        for histogram in layout.histograms {
            family(histogram.name, type: "histogram", help: layout.help[histogram.name])
            let snapshot = counters.snapshot(of: histogram)
            for (bound, count) in zip(histogram.bounds.map(Self.number) + ["+Inf"], snapshot.cumulativeCounts) {
                sample(histogram.name + "_bucket", histogram.labels + [("le", bound)], String(count))
            }
            sample(histogram.name + "_sum", histogram.labels, Self.number(snapshot.sumSeconds))
            sample(histogram.name + "_count", histogram.labels, String(snapshot.count))
        }
    }

    /// A gauge with one value, computed when the page is made.
    public mutating func gauge(_ name: String, help: String, _ value: Double) {
        family(name, type: "gauge", help: help)
        sample(name, [], Self.number(value))
    }

    /// The `# HELP` and `# TYPE` lines of `name`, once, before its first sample.
    /// The samples of one name must follow each other: the layout declares them so.
    private mutating func family(_ name: String, type: String, help: String?) {
        guard families.insert(name).inserted else { return }
        if let help {
            text += "# HELP \(name) \(help.replacing("\\", with: "\\\\").replacing("\n", with: "\\n"))\n"
        }
        text += "# TYPE \(name) \(type)\n"
    }

    private mutating func sample(_ name: String, _ labels: [(name: String, value: String)], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.name)=\"\(Self.escaped($0.value))\"" }.joined(separator: ",") + "}"
        }
        text += " \(value)\n"
    }

    private static func escaped(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }

    /// A number as Prometheus reads it: `0.25`, `1`, `+Inf`.
    static func number(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
