/// What a transport drives: one worker's answers to requests.
public protocol HTTPResponder {
    /// The response to `request`; never throws, never crashes.
    func respond(to request: Request) -> Response
    /// The page for a request the transport refused before reading it (413, 400).
    func respond(to error: HTTPError, for request: Request) -> Response
}
