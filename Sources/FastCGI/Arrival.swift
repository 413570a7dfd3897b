/// A connection whose whole request has arrived, ready for a thread to serve.
struct ReadyRequest {
    let connection: Connection
    let framing: RequestFraming.Request
    /// False when the request is larger than what was examined: its body may
    /// still be arriving, so reading it must be limited by the deadline.
    let isBodyComplete: Bool
}

/// Looks at what a connection has received so far, without taking it.
enum Arrival {
    /// Bytes examined at most: a request with a 16 KiB body and the largest
    /// parameters fits, so only a body the responder refuses unread is longer.
    static let examinedBytes = 80 * 1024

    enum Outcome {
        /// The request is there: serve it.
        case ready(ReadyRequest)
        /// More is coming: wait for it.
        case waiting
        /// The peer has gone, or sent what is not a request to serve: close.
        case drop(reason: String?)
    }

    /// The outcome for `connection`, using `buffer` (``examinedBytes`` long).
    static func examine(_ connection: Connection, buffer: inout [UInt8]) -> Outcome {
        guard let count = ConnectionCalls.peek(connection.descriptor, into: &buffer) else { return .waiting }
        guard count > 0 else { return .drop(reason: nil) }
        switch RequestFraming.examine(buffer[..<count]) {
        case .complete(let framing):
            return .ready(ReadyRequest(connection: connection, framing: framing, isBodyComplete: true))
        case .awaitingBody(let framing):
            guard count == buffer.count else { return .waiting }
            return .ready(ReadyRequest(connection: connection, framing: framing, isBodyComplete: false))
        case .incomplete:
            guard count == buffer.count else { return .waiting }
            return .drop(reason: "a request whose parameters do not fit in \(examinedBytes / 1024) KiB")
        case .malformed(let reason):
            return .drop(reason: reason)
        }
    }
}
