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

    /// Logins, answered apart from the accept loops; nil: on them.
    let lane: LoginLane?

    /// A responder accepting on `listeners`, open listening sockets shared
    /// with other workers, with `threads` accept loops on each; logins go to
    /// a lane made by `loginLane`, if given.
    public init(listeners: [Int32], threads: Int, requestTimeout: Duration, loginLane: LoginLanePlan? = nil, basePath: String,
                logger: Logger) throws {
        guard threads > 0 else { throw FastCGIError.library("at least one thread is needed") }
        guard !listeners.isEmpty else { throw FastCGIError.library("at least one listening socket is needed") }
        lane = try loginLane.map { plan in
            guard plan.threads > 0 else { throw FastCGIError.library("the login lane needs at least one thread") }
            return LoginLane(plan: plan)
        }
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
    /// counted over every socket's threads, then the login lane's), so each
    /// thread owns what its responder holds, such as a database connection.
    public func start(makeResponder: @escaping @Sendable (Int) throws -> any HTTPResponder) throws {
        if let lane {
            let first = loops.states.count
            let next = Atomic<Int>(0)
            try lane.start(makeResponder: { try makeResponder(first + next.add(1, ordering: .relaxed).oldValue) },
                           deliver: { [self] in deliver($0, on: $1, connection: $2, buffer: &$3) })
        }
        // A web server hanging up shows as a failed write, not a dead process.
        signal(SIGPIPE, SIG_IGN)
        ThreadPoke.install()
        for listener in listeners { ConnectionCalls.limit(SO_RCVTIMEO, of: listener, to: Self.acceptWakeup) }
        room.open()
        let states = loops.states
        let failure = ServingThreads.start(states.count, named: "totpgate-worker", finished: finished, setUp: { index in
            states[index].attachCurrentThread()
            return (application: try makeResponder(index), request: try FastCGIRequest(), patience: try Poller())
        }, serve: { [self] index, tools in
            var acceptLoop = AcceptLoop(responder: self, listener: listeners[index / threads], state: states[index],
                                        application: tools.application, request: tools.request, patience: tools.patience)
            acceptLoop.run()
        })
        if let failure {
            stop()
            throw failure
        }
    }

    /// Stops accepting, serves every request already accepted (including
    /// those still arriving, up to their deadline, and the logins queued), and
    /// returns when done.
    public func stop() {
        isStopping.store(true, ordering: .sequentiallyConsistent)
        room.stop()
        // A poke can land just before a thread enters accept: poke until all are out.
        while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            loops.pokeAll()
        }
        lane?.stop()
        room.close()
    }

    /// Writes `response` to the request read on `fastCGI` and ends it; the
    /// connection then waits in the room for the web server's next request,
    /// or is closed.
    func deliver(_ response: Response, on fastCGI: FastCGIRequest, connection: Connection, buffer: inout [UInt8]) {
        if !fastCGI.write(ResponseEncoding.encode(response)) {
            logger.debug("the web server closed the connection before the response was written")
        }
        guard fastCGI.finish() else { return }  // libfcgi closed the connection after an error
        if fastCGI.peerKeepsConnection, !stopping {
            connection.deadline = .now + requestTimeout
            room.admit(connection, for: .nextRequest)
        } else {
            close(connection, buffer: &buffer)
        }
    }

    /// Closes an answered connection; one with input left unread (a body
    /// refused unread) first has it drained, so the peer sees no reset.
    private func close(_ connection: Connection, buffer: inout [UInt8]) {
        guard let unread = ConnectionCalls.peek(connection.descriptor, into: &buffer), unread > 0 else {
            return connection.close()
        }
        ConnectionCalls.shutdownWriting(connection.descriptor)
        connection.deadline = .now + requestTimeout
        room.admit(connection, for: .lingering)
    }

    var stopping: Bool { isStopping.load(ordering: .sequentiallyConsistent) }
}
