internal import CLinux
import Glibc
import SystemIO

// The only file of this target that calls epoll and eventfd.

/// An epoll instance reporting, edge-triggered, which connections have
/// received new bytes (or been closed). Each connection is known by a number
/// of the caller's, never by its descriptor: the kernel reuses descriptor
/// numbers, so an event can never be mistaken for another connection's.
final class Poller {
    /// The number that ``wake()`` reports.
    static let wakeupID: UInt64 = 0

    private let descriptor: Int32
    private let wakeupDescriptor: Int32
    private var events = [epoll_event](repeating: epoll_event(), count: 64)

    init() throws(IOError) {
        descriptor = try systemCall("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        do {
            wakeupDescriptor = try systemCall("eventfd") { eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK)) }
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        do {
            try watch(wakeupDescriptor, as: Self.wakeupID)
        } catch {
            Glibc.close(wakeupDescriptor)
            Glibc.close(descriptor)
            throw error
        }
    }

    deinit {
        Glibc.close(wakeupDescriptor)
        Glibc.close(descriptor)
    }

    /// Reports `connection` as `id` whenever new bytes arrive on it or it is
    /// closed; right away if bytes are already there.
    func watch(_ connection: Int32, as id: UInt64) throws(IOError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.u64 = id
        try systemCall("epoll_ctl") { epoll_ctl(descriptor, EPOLL_CTL_ADD, connection, &event) }
    }

    /// Stops reporting `connection` (closing its descriptor does as much).
    func forget(_ connection: Int32) {
        var unused = epoll_event()
        epoll_ctl(descriptor, EPOLL_CTL_DEL, connection, &unused)
    }

    /// Makes a ``wait(upTo:)`` in another thread return now.
    func wake() {
        var one: UInt64 = 1
        _ = write(wakeupDescriptor, &one, MemoryLayout<UInt64>.size)
    }

    /// What ``wait(upTo:)`` reports of one connection.
    struct News {
        let id: UInt64
        /// The peer has closed its side: nothing more will arrive.
        let hungUp: Bool
    }

    /// Waits up to `limit` (nil: without limit) and returns the news; one
    /// with ``wakeupID`` when woken.
    func wait(upTo limit: Duration?) -> [News] {
        // In whole milliseconds, rounded up: never back before the limit.
        let milliseconds = limit.map { limit -> Int32 in
            let (seconds, attoseconds) = max(limit, .zero).components
            return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        } ?? Int32(-1)
        let count = events.withUnsafeMutableBufferPointer { buffer in
            epoll_wait(descriptor, buffer.baseAddress, Int32(buffer.count), milliseconds)
        }
        guard count > 0 else { return [] }
        let hangUps = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
        let news = events[..<Int(count)].map { News(id: $0.data.u64, hungUp: $0.events & hangUps != 0) }
        if news.contains(where: { $0.id == Self.wakeupID }) {
            var drained: UInt64 = 0
            _ = read(wakeupDescriptor, &drained, MemoryLayout<UInt64>.size)
        }
        return news
    }
}
