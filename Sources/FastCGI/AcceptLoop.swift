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
        guard let role = role.request else {
            // A FastCGI filter: the web server would send a file to transform.
            return errorResponse(.notImplemented, parameters: parameters)
        }
        // An authorizer gets no body (FastCGI 1.0, section 6.3), whatever CONTENT_LENGTH says.
        guard role != .authorizer else {
            return application.respond(to: responder.mapping.request(parameters: parameters, body: [], role: .authorizer))
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
        return application.respond(to: responder.mapping.request(parameters: parameters, body: body))
    }

    /// Lets the application draw the error page for a request refused before
    /// routing; the web server shows it to the client, whatever the role.
    private func errorResponse(_ status: HTTPStatus, parameters: [(name: String, value: String)]) -> Response {
        application.respond(to: HTTPError(status), for: responder.mapping.request(parameters: parameters, body: []))
    }
}
