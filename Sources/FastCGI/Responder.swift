import Foundation
import Glibc
import Logging
import Synchronization
import Web

/// The FastCGI responder of one worker process: M threads accepting on each
/// of the shared listening sockets (the unix socket, a TCP port beside it),
/// each turning FastCGI requests into `Request`s for its own application
/// responder and writing back the `Response`. Nothing outside this target
/// knows about FastCGI.
///
/// A thread serves a connection only once its whole request has arrived
/// (``RequestFraming``). Most web servers write the request right after
/// connecting, so the accepting thread waits a moment for it; a connection
/// still incomplete after that goes to the ``WaitingRoom``, which holds no
/// thread and closes it when `requestTimeout` has passed since the accept.
public final class Responder: Sendable {
    /// The largest request body read; a longer one is answered 413 unread.
    public static let maximumBodySize = 16 * 1024
    /// How long an accepting thread waits for a request that is not all there
    /// yet before handing it to the waiting room.
    static let patience: Duration = .milliseconds(10)
    /// How often a thread blocked in `accept` wakes up anyway, so that neither
    /// a stop nor a ready request can be missed (see ``ThreadPoke``).
    static let acceptWakeup: Duration = .milliseconds(200)

    /// Accept loops on each listening socket.
    public let threads: Int
    let listeners: [Int32]
    let requestTimeout: Duration
    let mapping: RequestMapping
    let logger: Logger
    let room: WaitingRoom
    private let loops: AcceptLoops
    private let isStopping = Atomic<Bool>(false)
    private let finished = DispatchGroup()

    /// A responder accepting on `listeners`, open listening sockets shared
    /// with other workers, with `threads` accept loops on each.
    public init(listeners: [Int32], threads: Int, requestTimeout: Duration, basePath: String, logger: Logger) throws {
        guard threads > 0 else { throw FastCGIError.library("at least one thread is needed") }
        guard !listeners.isEmpty else { throw FastCGIError.library("at least one listening socket is needed") }
        self.listeners = listeners
        self.threads = threads
        self.requestTimeout = requestTimeout
        self.logger = logger
        mapping = RequestMapping(basePath: basePath)
        let loops = AcceptLoops(count: threads * listeners.count)
        self.loops = loops
        room = try WaitingRoom(logger: logger) { loops.pokeOne() }
    }

    /// Starts the threads; returns once each has made its responder, or throws
    /// the first error one of them met (and then stops the others).
    ///
    /// `makeResponder` runs once on each thread (with the thread's index,
    /// counted over every socket's threads), so each thread owns what its
    /// responder holds, such as a database connection.
    public func start(makeResponder: @escaping @Sendable (Int) throws -> any HTTPResponder) throws {
        // A web server hanging up shows as a failed write, not a dead process.
        signal(SIGPIPE, SIG_IGN)
        ThreadPoke.install()
        for listener in listeners { ConnectionCalls.limit(SO_RCVTIMEO, of: listener, to: Self.acceptWakeup) }
        room.open()
        let started = DispatchGroup()
        let failure = Mutex<(any Error)?>(nil)
        for (index, loop) in loops.states.enumerated() {
            started.enter()
            finished.enter()
            let thread = Thread { [self] in
                defer { finished.leave() }
                loop.attachCurrentThread()
                let application: any HTTPResponder
                let request: FastCGIRequest
                let patience: Poller
                do {
                    application = try makeResponder(index)
                    request = try FastCGIRequest()
                    patience = try Poller()
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                    started.leave()
                    return
                }
                started.leave()
                AcceptLoop(
                    responder: self, listener: listeners[index / threads], state: loop, application: application,
                    request: request, patience: patience
                ).run()
            }
            thread.name = "totpgate-worker-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        started.wait()
        if let error = failure.withLock({ $0 }) {
            stop()
            throw error
        }
    }

    /// Stops accepting, serves every request already accepted (including
    /// those still arriving, up to their deadline), and returns when done.
    public func stop() {
        isStopping.store(true, ordering: .sequentiallyConsistent)
        room.stop()
        // A poke can land just before a thread enters accept: poke until all are out.
        while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            loops.pokeAll()
        }
        room.close()
    }

    var stopping: Bool { isStopping.load(ordering: .sequentiallyConsistent) }
}
