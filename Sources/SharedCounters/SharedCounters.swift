internal import CLinux
import Glibc
import Synchronization
import SystemIO

// The only file of this target that holds a pointer: the mapping of the
// shared region never leaves it.

/// Counters in memory shared by the master and every worker process, so that
/// whichever worker answers a scrape reports exact totals across all of them.
///
/// The master makes the region (an anonymous `memfd` of 64-bit slots mapped
/// `MAP_SHARED`) and hands its descriptor to each worker it starts; every
/// process maps the same pages and updates them with atomic instructions, so
/// no process ever aggregates, and a worker that dies loses nothing it counted.
public final class SharedCounters: @unchecked Sendable {
    // @unchecked: the slots are touched only through atomic operations, and the
    // mapping lives as long as this object.

    /// Marks a region made by this code, in its first slot.
    private static let marker: UInt64 = 0x746f_7470_6761_7465  // "totpgate"

    /// The region's descriptor, to hand to a worker process.
    public let descriptor: Int32
    private let slots: UnsafeMutablePointer<Atomic<UInt64>>
    private let byteCount: Int

    /// A new region, all zero, with room for `layout`.
    public convenience init(layout: CounterLayout) throws(IOError) {
        let descriptor = try systemCall("memfd_create") { clinux_memfd_create("totpgate-counters") }
        try self.init(owning: descriptor, layout: layout) { descriptor, byteCount throws(IOError) in
            try systemCall("ftruncate counters") { ftruncate(descriptor, off_t(byteCount)) }
        }
        slots[0].store(Self.marker, ordering: .relaxed)
        slots[1].store(UInt64(layout.slotCount), ordering: .releasing)
    }

    /// The region another process made for the same `layout`, inherited as
    /// `descriptor` (which this object then owns).
    public convenience init(inheriting descriptor: Int32, layout: CounterLayout) throws(IOError) {
        let anotherLayout = IOError(errnoCode: EINVAL, reason: "counters of another layout")
        try self.init(owning: descriptor, layout: layout) { descriptor, byteCount throws(IOError) in
            var status = stat()
            try systemCall("fstat counters") { fstat(descriptor, &status) }
            guard status.st_size == off_t(byteCount) else { throw anotherLayout }
        }
        // Thrown from here, deinit unmaps and closes.
        guard slots[0].load(ordering: .relaxed) == Self.marker,
              slots[1].load(ordering: .acquiring) == UInt64(layout.slotCount)
        else { throw anotherLayout }
    }

    /// Maps `descriptor` after `prepare` has sized or checked it; closes it if either fails.
    private init(owning descriptor: Int32, layout: CounterLayout,
                 prepare: (Int32, Int) throws(IOError) -> Void) throws(IOError) {
        let byteCount = layout.slotCount * MemoryLayout<UInt64>.stride
        do throws(IOError) {
            try prepare(descriptor, byteCount)
            slots = try Self.map(descriptor, byteCount: byteCount)
        } catch {
            close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        self.byteCount = byteCount
    }

    deinit {
        munmap(slots, byteCount)
        close(descriptor)
    }

    /// Adds `amount` to `counter`.
    public func add(_ amount: UInt64 = 1, to counter: Counter) {
        slots[counter.slot].wrappingAdd(amount, ordering: .relaxed)
    }

    /// Takes `amount` from `gauge` (a gauge that goes down, like a queue's length).
    public func subtract(_ amount: UInt64 = 1, from gauge: Counter) {
        slots[gauge.slot].wrappingSubtract(amount, ordering: .relaxed)
    }

    /// Sets `gauge` to `value`.
    public func set(_ gauge: Counter, to value: UInt64) {
        slots[gauge.slot].store(value, ordering: .relaxed)
    }

    /// Sets the `index`th value of `table`.
    public func set(_ table: SlotTable, at index: Int, to value: UInt64) {
        precondition(table.count > index && index >= 0, "slot table index out of range")
        slots[table.firstSlot + index].store(value, ordering: .relaxed)
    }

    /// The values of `table`.
    public func values(of table: SlotTable) -> [UInt64] {
        (0..<table.count).map { slots[table.firstSlot + $0].load(ordering: .relaxed) }
    }

    /// The total of `counter` over every process.
    public func value(of counter: Counter) -> UInt64 {
        slots[counter.slot].load(ordering: .relaxed)
    }

    /// Counts one observation of `seconds` in `histogram`.
    public func record(_ seconds: Double, in histogram: Histogram) {
        slots[histogram.bucketSlot(for: seconds)].wrappingAdd(1, ordering: .relaxed)
        let nanoseconds = seconds > 0 ? UInt64(min(seconds * 1e9, Double(UInt64.max >> 1))) : 0
        slots[histogram.sumSlot].wrappingAdd(nanoseconds, ordering: .relaxed)
    }

    /// The totals of `histogram` over every process. Buckets are read one by
    /// one while others may be counting, so a snapshot taken under load can
    /// be a few observations behind in some buckets, never ahead.
    public func snapshot(of histogram: Histogram) -> HistogramSnapshot {
        var cumulative: [UInt64] = []
        cumulative.reserveCapacity(histogram.bounds.count + 1)
        var running: UInt64 = 0
        for bucket in 0...histogram.bounds.count {
            running &+= slots[histogram.firstSlot + bucket].load(ordering: .relaxed)
            cumulative.append(running)
        }
        let sum = slots[histogram.sumSlot].load(ordering: .relaxed)
        return HistogramSnapshot(cumulativeCounts: cumulative, count: running, sumSeconds: Double(sum) / 1e9)
    }

    private static func map(_ descriptor: Int32, byteCount: Int) throws(IOError) -> UnsafeMutablePointer<Atomic<UInt64>> {
        let address = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
        guard let address, address != MAP_FAILED else { throw IOError(errnoCode: errno, reason: "mmap counters") }
        // The pages are zero-filled 64-bit words: zero is a valid Atomic<UInt64>.
        return address.bindMemory(to: Atomic<UInt64>.self, capacity: byteCount / MemoryLayout<UInt64>.stride)
    }
}
