import Foundation
import Logging
import Synchronization

/// Connections that hold no thread: requests still arriving, kept connections
/// between requests, and answered connections whose leftover input is being
/// read before they close. One thread watches them all through epoll.
///
/// A request that completes is queued for the accept loops, and one of them
/// is poked awake to serve it. A connection whose deadline passes is closed:
/// a client that sends nothing, or sends slowly, costs a descriptor and never
/// a thread, and silent connections cannot hold up everyone else's requests.
final class WaitingRoom: Sendable {
    enum Purpose {
        /// A new connection's request is awaited.
        case request
        /// A kept connection (`FCGI_KEEP_CONN`) awaits the web server's next request.
        case nextRequest
        /// The response is sent; what the peer still sends is read and dropped
        /// until it closes, so that closing never resets a response in flight.
        case lingering
    }

    private struct Entry {
        let connection: Connection
        let purpose: Purpose
    }

    private struct State: ~Copyable {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = Poller.wakeupID + 1
        /// Entries by deadline. Deadlines grow with admission (each is a fixed
        /// time after an accept or a response), so a queue keeps them in order,
        /// give or take the moments a thread waits before admitting one.
        var deadlines: [(id: UInt64, deadline: ContinuousClock.Instant)] = []
        var deadlinesStart = 0
        var ready: [ReadyRequest] = []
        var awaitedRequests = 0
        var isStopping = false
        var isClosed = false
    }

    private let state = Mutex(State())
    private let readyCount = Atomic<Int>(0)
    // The poller's event buffer is used only by the watching thread; adding
    // a connection to it is safe from any thread.
    private nonisolated(unsafe) let poller: Poller
    private let onReady: @Sendable () -> Void
    private let logger: Logger

    /// A room whose thread calls `onReady` each time a request becomes ready.
    init(logger: Logger, onReady: @escaping @Sendable () -> Void) throws {
        poller = try Poller()
        self.onReady = onReady
        self.logger = logger
    }

    /// Starts the watching thread.
    func open() {
        let thread = Thread { [self] in watch() }
        thread.name = "totpgate-waiting-room"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Takes `connection` in until its deadline; closes it at once if the room is closed.
    func admit(_ connection: Connection, for purpose: Purpose) {
        let admitted = state.withLock { state in
            guard !state.isClosed else { return false }
            let id = state.nextID
            do {
                try poller.watch(connection.descriptor, as: id)
            } catch {
                logger.error("cannot watch a connection: \(error)")
                return false
            }
            state.nextID += 1
            state.entries[id] = Entry(connection: connection, purpose: purpose)
            if purpose != .lingering { state.awaitedRequests += 1 }
            if state.deadlinesStart == state.deadlines.count { poller.wake() }  // was idle: let it set a timeout
            state.deadlines.append((id, connection.deadline))
            return true
        }
        if !admitted { connection.close() }
    }

    /// A request that has become ready, if any (cheap when there is none).
    func takeReady() -> ReadyRequest? {
        guard hasReady else { return nil }
        return state.withLock { state in
            guard !state.ready.isEmpty else { return nil }
            readyCount.subtract(1, ordering: .sequentiallyConsistent)
            return state.ready.removeFirst()
        }
    }

    /// Whether a request is ready (cheap).
    var hasReady: Bool { readyCount.load(ordering: .sequentiallyConsistent) > 0 }

    /// Requests accepted but not yet served: awaited or ready.
    var pendingRequests: Int {
        state.withLock { $0.awaitedRequests + $0.ready.count }
    }

    /// The worker is stopping: kept connections between requests are closed,
    /// requests on their way still get until their deadline.
    func stop() {
        state.withLock { $0.isStopping = true }
        poller.wake()
    }

    /// Closes every connection left and ends the watching thread.
    func close() {
        state.withLock { $0.isClosed = true }
        poller.wake()
    }

    private func watch() {
        var buffer = [UInt8](repeating: 0, count: Arrival.examinedBytes)
        while true {
            guard let timeout = nextTimeout() else { break }
            for news in poller.wait(upTo: timeout) where news.id != Poller.wakeupID {
                examine(news, buffer: &buffer)
            }
            closeExpired()
            if state.withLock({ $0.isStopping }) { closeIdle(buffer: &buffer) }
        }
        let left = state.withLock { state in
            defer { state.entries = [:] }
            return Array(state.entries.values)
        }
        for entry in left { entry.connection.close() }
    }

    /// The time until the earliest deadline (nil inside: none); nil once closed.
    private func nextTimeout() -> Duration?? {
        state.withLock { state -> Duration?? in
            guard !state.isClosed else { return nil }
            while state.deadlinesStart < state.deadlines.count,
                  state.entries[state.deadlines[state.deadlinesStart].id] == nil {
                state.deadlinesStart += 1
            }
            if state.deadlinesStart > 1024, state.deadlinesStart * 2 > state.deadlines.count {
                state.deadlines.removeFirst(state.deadlinesStart)
                state.deadlinesStart = 0
            }
            guard state.deadlinesStart < state.deadlines.count else { return .some(nil) }
            return ContinuousClock.now.duration(to: state.deadlines[state.deadlinesStart].deadline)
        }
    }

    private func examine(_ news: Poller.News, buffer: inout [UInt8]) {
        let id = news.id
        guard let entry = state.withLock({ $0.entries[id] }) else { return }
        switch entry.purpose {
        case .request, .nextRequest:
            switch Arrival.examine(entry.connection, buffer: &buffer) {
            case .waiting where news.hungUp:
                remove(id)?.close()  // the rest can no longer come
            case .waiting:
                return
            case .ready(let request):
                poller.forget(entry.connection.descriptor)
                state.withLock { state in
                    state.entries[id] = nil
                    state.awaitedRequests -= 1
                    state.ready.append(request)
                    readyCount.add(1, ordering: .sequentiallyConsistent)
                }
                onReady()
            case .drop(let reason):
                if let reason { logger.debug("closed a FastCGI connection: \(reason)") }
                remove(id)?.close()
            }
        case .lingering:
            var scratch = [UInt8](repeating: 0, count: 4096)
            if !ConnectionCalls.discardInput(entry.connection.descriptor, scratch: &scratch) { remove(id)?.close() }
        }
    }

    private func remove(_ id: UInt64) -> Connection? {
        state.withLock { state in
            guard let entry = state.entries.removeValue(forKey: id) else { return nil }
            if entry.purpose != .lingering { state.awaitedRequests -= 1 }
            return entry.connection
        }
    }

    private func closeExpired() {
        let now = ContinuousClock.now
        let expired = state.withLock { state -> [(Entry, Bool)] in
            var expired: [(Entry, Bool)] = []
            while state.deadlinesStart < state.deadlines.count, state.deadlines[state.deadlinesStart].deadline <= now {
                let id = state.deadlines[state.deadlinesStart].id
                state.deadlinesStart += 1
                guard let entry = state.entries.removeValue(forKey: id) else { continue }
                if entry.purpose != .lingering { state.awaitedRequests -= 1 }
                expired.append((entry, entry.purpose == .request))
            }
            return expired
        }
        for (entry, wasAwaited) in expired {
            if wasAwaited { logger.debug("closed a FastCGI connection that did not deliver its request in time") }
            entry.connection.close()
        }
    }

    /// Closes the kept connections on which no next request has begun. (nginx
    /// sends a request it had begun on a kept connection that closed again on a
    /// new one.)
    private func closeIdle(buffer: inout [UInt8]) {
        let awaited = state.withLock { state in state.entries.filter { $0.value.purpose == .nextRequest } }
        for (id, entry) in awaited where ConnectionCalls.peek(entry.connection.descriptor, into: &buffer) == nil {
            remove(id)?.close()
        }
    }
}
