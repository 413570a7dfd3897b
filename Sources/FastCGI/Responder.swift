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

    /// Whether fd 0 is a listening socket (spawn-fcgi and mod_fcgid hand one over).
    public static var inheritedSocketIsOpen: Bool {
        System.isListeningSocket(0)
    }

    public var description: String {
        switch self {
        case .unixSocket(let path, let mode, let group):
            "unix:\(path) (mode \(String(mode, radix: 8))\(group.map { ", group \($0)" } ?? ""))"
        case .tcp(let address): "tcp:\(address)"
        case .inherited: "the socket on fd 0"
        }
    }
}

/// The FastCGI responder: on each of its listening sockets N threads, each an
/// accept loop turning FastCGI requests into `Request`s for its own handler
/// and writing back the `Response`. Nothing outside this target knows about
/// FastCGI.
public final class Responder: Sendable {
    /// What one worker thread calls for each request.
    public typealias Handler = any RequestHandler

    /// The largest request body read; a longer one is answered 413 unread.
    public static let maximumBodySize = 16 * 1024

    /// One endpoint and its open listening socket.
    private struct Listener: Sendable {
        let endpoint: Endpoint
        let descriptor: Int32
    }

    public var endpoints: [Endpoint] { listeners.map(\.endpoint) }
    /// Accept loops on each endpoint.
    public let threads: Int
    private let mapping: RequestMapping
    private let listeners: [Listener]
    private let logger: Logger

    /// Opens every listening socket now, so errors (busy socket, bad group)
    /// surface before serving; nothing stays open when one fails.
    public init(endpoints: [Endpoint], threads: Int, basePath: String, logger: Logger) throws {
        guard threads > 0 else { throw FastCGIError.library("at least one thread is needed") }
        guard !endpoints.isEmpty else { throw FastCGIError.library("at least one endpoint is needed") }
        self.threads = threads
        self.logger = logger
        mapping = RequestMapping(basePath: basePath)
        var listeners: [Listener] = []
        do {
            for endpoint in endpoints {
                listeners.append(Listener(endpoint: endpoint, descriptor: try Self.open(endpoint)))
            }
        } catch {
            listeners.forEach(Self.close)
            throw error
        }
        self.listeners = listeners
    }

    private static func open(_ endpoint: Endpoint) throws -> Int32 {
        switch endpoint {
        case .unixSocket(let path, let mode, let group):
            return try System.listenUnix(path: path, mode: mode, group: group, backlog: 256)
        case .tcp(let address):
            return try openTCPSocket(address, backlog: 256)
        case .inherited:
            guard System.isListeningSocket(0) else {
                throw FastCGIError.socket("fd 0 is not a listening socket: start under spawn-fcgi or mod_fcgid, or pass --socket/--listen")
            }
            return 0
        }
    }

    /// Closes `listener`'s socket, and removes its file if it made one.
    private static func close(_ listener: Listener) {
        System.closeDescriptor(listener.descriptor)
        if case .unixSocket(let path, _, _) = listener.endpoint { System.removeFile(path) }
    }

    /// Serves until SIGTERM, SIGINT or SIGHUP; then stops accepting, lets every
    /// request in flight finish, removes the socket files and returns.
    ///
    /// `makeHandler` runs once on each worker thread (with the thread's index,
    /// counted over every endpoint's threads), so each thread owns what its
    /// handler holds, such as a database connection.
    public func run(makeHandler: @escaping @Sendable (Int) throws -> Handler) throws {
        System.blockTerminationSignals()
        let group = DispatchGroup()
        let startFailure = FirstError()
        for (number, listener) in listeners.enumerated() {
            for loop in 0..<threads {
                let index = number * threads + loop
                group.enter()
                let thread = Thread { [self] in
                    defer { group.leave() }
                    do {
                        try serve(listener.descriptor, handler: makeHandler(index))
                    } catch {
                        startFailure.record(error)
                        System.terminateSelf()
                    }
                }
                thread.name = "totpgate-worker-\(index)"
                thread.stackSize = 1 << 20
                thread.start()
            }
        }
        let signal = System.waitForTerminationSignal()
        logger.info("stopping: finishing requests in flight", metadata: ["signal": "\(signal)"])
        announceShutdown()
        for listener in listeners { System.stopListening(listener.descriptor) }
        group.wait()
        listeners.forEach(Self.close)
        if let error = startFailure.error { throw error }
    }

    private func serve(_ listenDescriptor: Int32, handler: Handler) throws {
        let connection = try FastCGIConnection(listenDescriptor: listenDescriptor)
        while connection.accept() {
            let response = respond(connection: connection, handler: handler)
            if !connection.write(ResponseEncoding.encode(response)) {
                logger.debug("the web server closed the connection before the response was written")
            }
            connection.finish()
        }
    }

    private func respond(connection: FastCGIConnection, handler: Handler) -> Response {
        let parameters = connection.parameters()
        guard let role = RequestMapping.role(connection.role) else {
            // A FastCGI filter: the web server would send a file to transform.
            return errorResponse(.notImplemented, parameters: parameters, handler: handler)
        }
        guard let length = RequestMapping.declaredBodyLength(in: parameters) else {
            return errorResponse(.badRequest, parameters: parameters, handler: handler)
        }
        guard length <= Self.maximumBodySize else {
            return errorResponse(.contentTooLarge, parameters: parameters, handler: handler)
        }
        let body = connection.readBody(limit: length)
        return handler.respond(to: mapping.request(parameters: parameters, body: body, role: role))
    }

    /// Lets the application draw the error page for a request refused before
    /// routing; the web server shows it to the client, whatever the role.
    private func errorResponse(_ status: HTTPStatus, parameters: [(name: String, value: String)], handler: Handler) -> Response {
        handler.respond(to: HTTPError(status), for: mapping.request(parameters: parameters, body: []))
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
