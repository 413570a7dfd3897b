import Foundation
import Glibc
import Testing
import SystemIO
@testable import SharedCounters

struct SharedCountersTests {
    static func layout() -> (CounterLayout, Counter, Counter, Histogram) {
        var layout = CounterLayout()
        let first = layout.counter("first_total")
        let second = layout.counter("second_total", labels: ["result": "success"])
        let histogram = layout.histogram("duration_seconds", bounds: [0.001, 0.01, 0.1])
        return (layout, first, second, histogram)
    }

    @Test func countsAreSeenThroughAnotherMappingOfTheSameRegion() throws {
        let (layout, first, second, _) = Self.layout()
        let master = try SharedCounters(layout: layout)
        // What a worker does with the descriptor it inherits: a second, independent mapping.
        let worker = try SharedCounters(inheriting: dup(master.descriptor), layout: layout)
        worker.add(3, to: first)
        master.add(to: first)
        worker.add(to: second)
        #expect(master.value(of: first) == 4)
        #expect(worker.value(of: first) == 4)
        #expect(master.value(of: second) == 1)
    }

    @Test func concurrentIncrementsFromManyMappingsAreExact() async throws {
        let (layout, counter, _, _) = Self.layout()
        let master = try SharedCounters(layout: layout)
        let mappings = try (0..<4).map { _ in try SharedCounters(inheriting: dup(master.descriptor), layout: layout) }
        await withTaskGroup(of: Void.self) { group in
            for mapping in mappings {
                group.addTask { for _ in 0..<25_000 { mapping.add(to: counter) } }
            }
        }
        #expect(master.value(of: counter) == 100_000)
    }

    @Test func aRegionOfAnotherLayoutIsRefused() throws {
        let (layout, _, _, _) = Self.layout()
        let master = try SharedCounters(layout: layout)
        var other = layout
        _ = other.counter("one_more_total")
        #expect(throws: IOError.self) { try SharedCounters(inheriting: dup(master.descriptor), layout: other) }
    }

    @Test func aFileThatIsNotACounterRegionIsRefused() throws {
        let (layout, _, _, _) = Self.layout()
        let descriptor = open("/dev/null", O_RDWR)
        #expect(throws: IOError.self) { try SharedCounters(inheriting: descriptor, layout: layout) }
    }

    @Test func histogramBucketsCumulateAndSum() throws {
        let (layout, _, _, histogram) = Self.layout()
        let counters = try SharedCounters(layout: layout)
        for seconds in [0.0005, 0.001, 0.005, 0.05, 0.5, 2.0] { counters.record(seconds, in: histogram) }
        let snapshot = counters.snapshot(of: histogram)
        #expect(snapshot.cumulativeCounts == [2, 3, 4, 6])
        #expect(snapshot.count == 6)
        #expect(abs(snapshot.sumSeconds - 2.5565) < 1e-9)
    }

    @Test func layoutSlotsFollowDeclarationOrderAfterTheHeader() {
        let (layout, first, second, histogram) = Self.layout()
        #expect(first.slot == CounterLayout.headerSlots)
        #expect(second.slot == first.slot + 1)
        #expect(histogram.firstSlot == second.slot + 1)
        #expect(layout.slotCount == histogram.firstSlot + 5)  // 3 bounds, +Inf, sum
    }
}

struct GaugeAndTableTests {
    @Test func aGaugeIsSetAndGoesUpAndDownAcrossMappings() throws {
        var layout = CounterLayout()
        let gauge = layout.gauge("queue_length")
        let master = try SharedCounters(layout: layout)
        let worker = try SharedCounters(inheriting: dup(master.descriptor), layout: layout)
        master.set(gauge, to: 5)
        worker.add(2, to: gauge)
        master.subtract(3, from: gauge)
        #expect(worker.value(of: gauge) == 4)
        #expect(gauge.kind == .gauge)
    }

    @Test func aTableIsSeenByEveryMappingAndIsNoMetric() throws {
        var layout = CounterLayout()
        let table = layout.table(count: 3)
        let after = layout.counter("after_total")
        let master = try SharedCounters(layout: layout)
        let worker = try SharedCounters(inheriting: dup(master.descriptor), layout: layout)
        master.set(table, at: 0, to: 42)
        master.set(table, at: 2, to: 7)
        #expect(worker.values(of: table) == [42, 0, 7])
        #expect(worker.value(of: after) == 0)  // the table's slots are its own
        #expect(layout.counters.map(\.name) == ["after_total"])
    }
}

struct PrometheusTextTests {
    @Test func familiesOnceEachThenTheirSamplesAndHistogramsCumulative() throws {
        var layout = CounterLayout()
        let success = layout.counter("logins_total", labels: ["result": "success"], help: "Logins.")
        _ = layout.counter("logins_total", labels: ["result": "failure"])
        let alive = layout.gauge("alive", help: "Alive.")
        let histogram = layout.histogram("wait_seconds", labels: ["route": "/a"], bounds: [0.5, 1], help: "Waits.")
        let counters = try SharedCounters(layout: layout)
        counters.add(3, to: success)
        counters.set(alive, to: 2)
        for seconds in [0.25, 0.75, 4.0] { counters.record(seconds, in: histogram) }
        var text = PrometheusText()
        text.add(layout, values: counters)
        text.gauge("uptime_seconds", help: "Up.", 12)
        #expect(text.text == """
            # HELP logins_total Logins.
            # TYPE logins_total counter
            logins_total{result="success"} 3
            logins_total{result="failure"} 0
            # HELP alive Alive.
            # TYPE alive gauge
            alive 2
            # HELP wait_seconds Waits.
            # TYPE wait_seconds histogram
            wait_seconds_bucket{route="/a",le="0.5"} 1
            wait_seconds_bucket{route="/a",le="1"} 2
            wait_seconds_bucket{route="/a",le="+Inf"} 3
            wait_seconds_sum{route="/a"} 5
            wait_seconds_count{route="/a"} 3
            # HELP uptime_seconds Up.
            # TYPE uptime_seconds gauge
            uptime_seconds 12

            """)
    }

    @Test func labelValuesAndHelpAreEscaped() throws {
        var layout = CounterLayout()
        _ = layout.counter("odd_total", labels: ["route": "a\"b\\c\nd"], help: "back\\slash\nnewline")
        var text = PrometheusText()
        text.add(layout, values: try SharedCounters(layout: layout))
        #expect(text.text.contains(#"# HELP odd_total back\\slash\nnewline"#))
        #expect(text.text.contains(#"odd_total{route="a\"b\\c\nd"} 0"#))
    }

    @Test(arguments: [(0.0005, "0.0005"), (1.0, "1"), (2.5, "2.5"), (Double.infinity, "+Inf"), (0, "0")])
    func numbersAsPrometheusReadsThem(_ value: Double, _ text: String) {
        #expect(PrometheusText.number(value) == text)
    }
}
