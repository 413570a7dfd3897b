/// A failure that knows its HTTP status; the router turns it into an error page
/// in one place. `message` is shown to the client, so it never holds internals.
public struct HTTPError: Error, Equatable, Sendable {
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
