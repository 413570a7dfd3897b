import Foundation
import Synchronization
import Logging
import Web

/// Where the responder takes FastCGI connections from.
public enum Endpoint: Sendable, Equatable, CustomStringConvertible {
    /// A unix socket it creates, with permissions and an optional group for the web server.
    case unixSocket(path: String, mode: UInt32, group: String?)
    /// A TCP socket, `host:port`.
    case tcp(String)
    /// The listening socket already open on fd 0 (spawn-fcgi, mod_fcgid).
    case inherited

    public var description: String {
        switch self {
        case .unixSocket(let path, let mode, let group):
            "unix:\(path) (mode \(String(mode, radix: 8))\(group.map { ", group \($0)" } ?? ""))"
        case .tcp(let address): "tcp:\(address)"
        case .inherited: "the socket on fd 0"
        }
    }
}

/// The FastCGI responder: N threads, each an accept loop turning FastCGI
/// requests into `Request`s for its own application responder and writing back the
/// `Response`. Nothing outside this target knows about FastCGI.
public final class Responder: Sendable {
    /// The largest request body read; a longer one is answered 413 unread.
    public static let maximumBodySize = 16 * 1024

    public let endpoint: Endpoint
    public let threads: Int
    private let mapping: RequestMapping
    private let listenDescriptor: Int32
    private let logger: Logger

    /// Opens the listening socket now, so errors (busy socket, bad group) surface before serving.
    public init(endpoint: Endpoint, threads: Int, basePath: String, logger: Logger) throws {
        guard threads > 0 else { throw FastCGIError.library("at least one thread is needed") }
        self.endpoint = endpoint
        self.threads = threads
        self.logger = logger
        mapping = RequestMapping(basePath: basePath)
        switch endpoint {
        case .unixSocket(let path, let mode, let group):
            listenDescriptor = try System.listenUnix(path: path, mode: mode, group: group, backlog: 256)
        case .tcp(let address):
            listenDescriptor = try openTCPSocket(address, backlog: 256)
        case .inherited:
            guard System.isListeningSocket(0) else {
                throw FastCGIError.socket("fd 0 is not a listening socket: start under spawn-fcgi or mod_fcgid, or pass --socket/--listen")
            }
            listenDescriptor = 0
        }
    }

    /// Serves until SIGTERM, SIGINT or SIGHUP; then stops accepting, lets every
    /// request in flight finish, removes the socket file and returns.
    ///
    /// `makeResponder` runs once on each worker thread (with the thread's index),
    /// so each thread owns what its responder holds, such as a database connection.
    public func run(makeResponder: @escaping @Sendable (Int) throws -> any HTTPResponder) throws {
        System.blockTerminationSignals()
        let group = DispatchGroup()
        let startFailure = FirstError()
        for index in 0..<threads {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                do {
                    try serve(responder: makeResponder(index))
                } catch {
                    startFailure.record(error)
                    System.terminateSelf()
                }
            }
            thread.name = "totpgate-worker-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        let signal = System.waitForTerminationSignal()
        logger.info("stopping: finishing requests in flight", metadata: ["signal": "\(signal)"])
        announceShutdown()
        System.stopListening(listenDescriptor)
        group.wait()
        System.closeDescriptor(listenDescriptor)
        if case .unixSocket(let path, _, _) = endpoint { System.removeFile(path) }
        if let error = startFailure.error { throw error }
    }

    private func serve(responder: any HTTPResponder) throws {
        let connection = try FastCGIConnection(listenDescriptor: listenDescriptor)
        while connection.accept() {
            let response = respond(connection: connection, responder: responder)
            if !connection.write(ResponseEncoding.encode(response)) {
                logger.debug("the web server closed the connection before the response was written")
            }
            connection.finish()
        }
    }

    private func respond(connection: FastCGIConnection, responder: any HTTPResponder) -> Response {
        let parameters = connection.parameters()
        guard let length = RequestMapping.declaredBodyLength(in: parameters) else {
            return errorResponse(.badRequest, parameters: parameters, responder: responder)
        }
        guard length <= Self.maximumBodySize else {
            return errorResponse(.contentTooLarge, parameters: parameters, responder: responder)
        }
        let body = connection.readBody(limit: length)
        return responder.respond(to: mapping.request(parameters: parameters, body: body))
    }

    /// Lets the application draw the error page for a request refused before routing.
    private func errorResponse(_ status: HTTPStatus, parameters: [(name: String, value: String)], responder: any HTTPResponder) -> Response {
        responder.respond(to: HTTPError(status), for: mapping.request(parameters: parameters, body: []))
    }
}

/// The first error any worker thread hit while starting.
private final class FirstError: Sendable {
    private let storage = Mutex<String?>(nil)

    func record(_ error: any Error) {
        storage.withLock { $0 = $0 ?? "\(error)" }
    }

    var error: FastCGIError? {
        storage.withLock { $0 }.map(FastCGIError.library)
    }
}
