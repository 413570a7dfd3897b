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
