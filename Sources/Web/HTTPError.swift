/// An error that knows the answer it becomes (Hummingbird's `HTTPResponseError`):
/// the router turns any such error into its page in one place, so handlers
/// let errors go instead of catching them case by case. Any other error is a
/// 500, reported for the log and never shown.
public protocol HTTPResponseError: Error {
    var status: HTTPStatus { get }
    /// Shown to the client, so it never holds internals.
    var message: String { get }
    /// Extra headers the answer needs (e.g. `Allow` on 405, `Retry-After` on 503).
    var headers: HTTPHeaders { get }
}

/// A failure that knows its HTTP status; the router turns it into an error page
/// in one place. `message` is shown to the client, so it never holds internals.
public struct HTTPError: HTTPResponseError, Equatable, Sendable {
    public let status: HTTPStatus
    public let message: String
    /// Extra headers the error answer needs (e.g. `Allow` on 405).
    public let headers: HTTPHeaders

    public init(_ status: HTTPStatus, message: String? = nil, headers: HTTPHeaders = [:]) {
        self.status = status
        self.message = message ?? status.reason
        self.headers = headers
    }
}
