import Foundation
import Glibc
import Logging
import Synchronization
import Web

/// The FastCGI responder of one worker process: M threads accepting on the
/// shared listening socket, each turning FastCGI requests into `Request`s for
/// its own handler and writing back the `Response`. Nothing outside this
/// target knows about FastCGI.
///
/// A thread serves a connection only once its whole request has arrived
/// (``RequestFraming``). Most web servers write the request right after
/// connecting, so the accepting thread waits a moment for it; a connection
/// still incomplete after that goes to the ``WaitingRoom``, which holds no
/// thread and closes it when `requestTimeout` has passed since the accept.
public final class Responder: Sendable {
    /// What one thread calls for each request.
    public typealias Handler = any RequestHandler

    /// The largest request body read; a longer one is answered 413 unread.
    public static let maximumBodySize = 16 * 1024
    /// How long an accepting thread waits for a request that is not all there
    /// yet before handing it to the waiting room.
    static let patience: Duration = .milliseconds(10)
    /// How often a thread blocked in `accept` wakes up anyway, so that neither
    /// a stop nor a ready request can be missed (see ``ThreadPoke``).
    static let acceptWakeup: Duration = .milliseconds(200)

    public let threads: Int
    private let listener: Int32
    private let requestTimeout: Duration
    private let mapping: RequestMapping
    private let logger: Logger
    private let room: WaitingRoom
    private let loops: AcceptLoops
    private let isStopping = Atomic<Bool>(false)
    private let finished = DispatchGroup()

    /// A responder accepting on `listener`, an open listening socket shared
    /// with other workers.
    public init(listener: Int32, threads: Int, requestTimeout: Duration, basePath: String, logger: Logger) throws {
        guard threads > 0 else { throw FastCGIError.library("at least one thread is needed") }
        self.listener = listener
        self.threads = threads
        self.requestTimeout = requestTimeout
        self.logger = logger
        mapping = RequestMapping(basePath: basePath)
        let loops = AcceptLoops(count: threads)
        self.loops = loops
        room = try WaitingRoom(logger: logger) { loops.pokeOne() }
    }

    /// Starts the threads; returns once each has made its handler, or throws
    /// the first error one of them met (and then stops the others).
    ///
    /// `makeHandler` runs once on each thread (with the thread's index), so
    /// each thread owns what its handler holds, such as a database connection.
    public func start(makeHandler: @escaping @Sendable (Int) throws -> Handler) throws {
        // A web server hanging up shows as a failed write, not a dead process.
        signal(SIGPIPE, SIG_IGN)
        ThreadPoke.install()
        ConnectionCalls.limit(SO_RCVTIMEO, of: listener, to: Self.acceptWakeup)
        room.open()
        let started = DispatchGroup()
        let failure = Mutex<(any Error)?>(nil)
        for (index, loop) in loops.states.enumerated() {
            started.enter()
            finished.enter()
            let thread = Thread { [self] in
                defer { finished.leave() }
                loop.attachCurrentThread()
                let handler: Handler
                let request: FastCGIRequest
                let patience: Poller
                do {
                    handler = try makeHandler(index)
                    request = try FastCGIRequest()
                    patience = try Poller()
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                    started.leave()
                    return
                }
                started.leave()
                AcceptLoop(responder: self, state: loop, handler: handler, request: request, patience: patience).run()
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

    /// One thread's accept loop and what it needs to serve.
    private struct AcceptLoop {
        let responder: Responder
        let state: LoopState
        let handler: Handler
        let request: FastCGIRequest
        /// Reports new bytes on the one connection this thread waits for.
        let patience: Poller

        func run() {
            var buffer = [UInt8](repeating: 0, count: Arrival.examinedBytes)
            var acceptFailing = false
            let room = responder.room
            while true {
                if let ready = room.takeReady() {
                    serve(ready, buffer: &buffer)
                    continue
                }
                if responder.stopping {
                    if room.pendingRequests == 0 { return }
                    Thread.sleep(forTimeInterval: 0.005)  // only while stopping, for requests still arriving
                    continue
                }
                state.enterAccept()
                if responder.stopping || room.hasReady {
                    state.leaveAccept()
                    continue
                }
                let accepted = ConnectionCalls.accept(responder.listener)
                state.leaveAccept()
                switch accepted {
                case .nothing:
                    continue
                case .failed(let error):
                    if !acceptFailing { responder.logger.error("cannot accept a connection: \(error)") }
                    acceptFailing = true
                    Thread.sleep(forTimeInterval: 0.1)  // out of descriptors: let connections close
                case .connection(let descriptor):
                    acceptFailing = false
                    let connection = Connection(descriptor: descriptor, deadline: .now + responder.requestTimeout)
                    arrive(connection, buffer: &buffer)
                }
            }
        }

        /// Serves `connection` once its request is there: at once, after a
        /// moment's wait, or through the waiting room.
        private func arrive(_ connection: Connection, buffer: inout [UInt8]) {
            var outcome = Arrival.examine(connection, buffer: &buffer)
            if case .waiting = outcome {
                outcome = waitPatiently(for: connection, buffer: &buffer)
            }
            switch outcome {
            case .ready(let request):
                serve(request, buffer: &buffer)
            case .waiting:
                responder.room.admit(connection, for: .request)
            case .drop(let reason):
                if let reason { responder.logger.debug("closed a FastCGI connection: \(reason)") }
                connection.close()
            }
        }

        /// Waits on this thread, up to ``Responder/patience``, for the rest of
        /// a request that is not all there yet.
        private func waitPatiently(for connection: Connection, buffer: inout [UInt8]) -> Arrival.Outcome {
            let until = min(ContinuousClock.now + Responder.patience, connection.deadline)
            do {
                try patience.watch(connection.descriptor, as: 1)
            } catch {
                return .waiting
            }
            defer { patience.forget(connection.descriptor) }
            while case let left = ContinuousClock.now.duration(to: until), left > .zero {
                let hungUp = patience.wait(upTo: left).contains { $0.hungUp }
                let outcome = Arrival.examine(connection, buffer: &buffer)
                guard case .waiting = outcome else { return outcome }
                if hungUp { return .drop(reason: nil) }
            }
            return .waiting
        }

        private func serve(_ ready: ReadyRequest, buffer: inout [UInt8]) {
            let connection = ready.connection
            let descriptor = connection.descriptor
            // Deadlines for a web server that stops reading the response, or the rest of a long body.
            ConnectionCalls.limit(SO_SNDTIMEO, of: descriptor, to: responder.requestTimeout)
            if !ready.isBodyComplete {
                ConnectionCalls.limit(SO_RCVTIMEO, of: descriptor, to: ContinuousClock.now.duration(to: connection.deadline))
            }
            guard request.begin(on: descriptor) else {
                responder.logger.debug("libfcgi refused a FastCGI request and closed its connection")
                return
            }
            let response = respond(role: ready.framing.role)
            if !request.write(ResponseEncoding.encode(response)) {
                responder.logger.debug("the web server closed the connection before the response was written")
            }
            guard request.finish() else { return }  // libfcgi closed the connection after an error
            if request.peerKeepsConnection, !responder.stopping {
                connection.deadline = .now + responder.requestTimeout
                responder.room.admit(connection, for: .nextRequest)
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
            connection.deadline = .now + responder.requestTimeout
            responder.room.admit(connection, for: .lingering)
        }

        private func respond(role: RequestFraming.Role) -> Response {
            let parameters = request.parameters()
            // An authorizer gets no body (FastCGI 1.0, section 6.3), whatever CONTENT_LENGTH says.
            guard role != .authorizer else {
                return handler.respond(to: responder.mapping.request(parameters: parameters, body: []))
            }
            guard let length = RequestMapping.declaredBodyLength(in: parameters) else {
                return errorResponse(.badRequest, parameters: parameters)
            }
            guard length <= Responder.maximumBodySize else {
                return errorResponse(.contentTooLarge, parameters: parameters)
            }
            guard let body = request.readBody(length: length) else {
                return errorResponse(.badRequest, parameters: parameters)
            }
            return handler.respond(to: responder.mapping.request(parameters: parameters, body: body))
        }

        /// Lets the application draw the error page for a request refused before routing.
        private func errorResponse(_ status: HTTPStatus, parameters: [(name: String, value: String)]) -> Response {
            handler.respond(to: HTTPError(status), for: responder.mapping.request(parameters: parameters, body: []))
        }
    }
}
