/// What a transport drives: one worker's answers to requests.
public protocol HTTPResponder {
    /// The response to `request`; never throws, never crashes.
    func respond(to request: Request) -> Response
    /// The page for a request the transport refused before reading it (413, 400).
    func respond(to error: HTTPError, for request: Request) -> Response
    /// Whether answering `request` may wait long for a password-hashing slot:
    /// the transport then answers it apart, never on the threads that answer
    /// everything else.
    func isLogin(_ request: Request) -> Bool
    /// The answer to such a request that found no slot in time: a `503`, and
    /// nothing done.
    func respondBusy(to request: Request) -> Response
}

extension HTTPResponder {
    public func isLogin(_ request: Request) -> Bool { false }

    public func respondBusy(to request: Request) -> Response {
        respond(to: HTTPError(.serviceUnavailable, headers: ["Retry-After": "5"]), for: request)
    }
}
