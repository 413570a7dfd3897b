import Foundation
import Web

/// One thread of a ``Responder``: its accept loop, and the serving of each
/// request, from the moment it has all arrived to the closing of its connection.
struct AcceptLoop {
    let responder: Responder
    /// The listening socket this thread accepts on; a request waiting in the
    /// room is served by any thread, whichever socket it came from.
    let listener: Int32
    let state: LoopState
    /// The application answering this thread's requests.
    let application: any HTTPResponder
    /// This thread's libfcgi request; replaced by a new one when a login takes it to the lane.
    var request: FastCGIRequest
    /// Reports new bytes on the one connection this thread waits for.
    let patience: Poller

    mutating func run() {
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
            let accepted = ConnectionCalls.accept(listener)
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
    private mutating func arrive(_ connection: Connection, buffer: inout [UInt8]) {
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

    private mutating func serve(_ ready: ReadyRequest, buffer: inout [UInt8]) {
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
        switch read(role: ready.framing.role) {
        case .refused(let response):
            responder.deliver(response, on: request, connection: connection, buffer: &buffer)
        case .read(let http):
            if let lane = responder.lane, application.isLogin(http), let fresh = try? FastCGIRequest() {
                lane.add(http, on: request, connection: connection)
                request = fresh
            } else {
                responder.deliver(application.respond(to: http), on: request, connection: connection, buffer: &buffer)
            }
        }
    }

    /// A request as read: whole, or already answered (a body too large or cut short).
    private enum Reading {
        case read(Request)
        case refused(Response)
    }

    private func read(role: RequestFraming.Role) -> Reading {
        let parameters = request.parameters()
        guard let role = role.request else {
            // A FastCGI filter: the web server would send a file to transform.
            return .refused(errorResponse(.notImplemented, parameters: parameters))
        }
        // An authorizer gets no body (FastCGI 1.0, section 6.3), whatever CONTENT_LENGTH says.
        guard role != .authorizer else {
            return .read(responder.mapping.request(parameters: parameters, body: [], role: .authorizer))
        }
        guard let length = RequestMapping.declaredBodyLength(in: parameters) else {
            return .refused(errorResponse(.badRequest, parameters: parameters))
        }
        guard length <= Responder.maximumBodySize else {
            return .refused(errorResponse(.contentTooLarge, parameters: parameters))
        }
        guard let body = request.readBody(length: length) else {
            return .refused(errorResponse(.badRequest, parameters: parameters))
        }
        return .read(responder.mapping.request(parameters: parameters, body: body))
    }

    /// Lets the application draw the error page for a request refused before
    /// routing; the web server shows it to the client, whatever the role.
    private func errorResponse(_ status: HTTPStatus, parameters: [(name: String, value: String)]) -> Response {
        application.respond(to: HTTPError(status), for: responder.mapping.request(parameters: parameters, body: []))
    }
}
