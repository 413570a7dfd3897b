import Synchronization

/// What other threads know of one accept loop: whether it is blocked in
/// `accept`, and how to interrupt that (``ThreadPoke``).
final class LoopState: Sendable {
    private let accepting = Atomic<Bool>(false)
    private let thread = Atomic<ThreadPoke.Thread>(0)

    /// Called first on the loop's own thread.
    func attachCurrentThread() {
        thread.store(ThreadPoke.current(), ordering: .releasing)
    }

    // Sequentially consistent, with the ready count and the stop flag: either
    // the loop sees the news before it blocks, or the news's sender sees it
    // accepting and pokes it.
    func enterAccept() { accepting.store(true, ordering: .sequentiallyConsistent) }
    func leaveAccept() { accepting.store(false, ordering: .sequentiallyConsistent) }
    var isAccepting: Bool { accepting.load(ordering: .sequentiallyConsistent) }

    func poke() {
        let thread = thread.load(ordering: .acquiring)
        if thread != 0 { ThreadPoke.poke(thread) }
    }
}

/// The accept loops of a responder, for waking them.
final class AcceptLoops: Sendable {
    let states: [LoopState]
    private let next = Atomic<Int>(0)

    init(count: Int) {
        states = (0..<count).map { _ in LoopState() }
    }

    /// Pokes one loop blocked in accept, if any, taking turns.
    func pokeOne() {
        let start = next.add(1, ordering: .relaxed).newValue
        for offset in 0..<states.count {
            let loop = states[(start + offset) % states.count]
            if loop.isAccepting { return loop.poke() }
        }
    }

    /// Pokes every loop blocked in accept.
    func pokeAll() {
        for loop in states where loop.isAccepting { loop.poke() }
    }
}
