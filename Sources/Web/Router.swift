/// Maps method + path to handlers and answers 404, 405 and HEAD itself.
///
/// `Context` is what a handler needs besides the request (the worker's store
/// connection, the clock): one router serves every thread, each thread passes
/// its own context.
public struct Router<Context>: Sendable {
    /// Handles one request.
    public typealias Handler = @Sendable (Request, Context) throws -> Response
    /// Turns an error into the page the client sees.
    public typealias ErrorRenderer = @Sendable (HTTPError, Request) -> Response

    /// The handlers of one path.
    private struct Route {
        var byMethod: [HTTPMethod: Handler] = [:]
        /// Answers the methods `byMethod` does not name.
        var anyMethod: Handler?
    }

    private var routes: [String: Route] = [:]
    private var authorizer: Handler?
    private let securityHeaders: SecurityHeaders
    private let renderError: ErrorRenderer

    /// An empty router; `securityHeaders` go on every answer, `renderError` draws every error page.
    public init(securityHeaders: SecurityHeaders = SecurityHeaders(), renderError: @escaping ErrorRenderer) {
        self.securityHeaders = securityHeaders
        self.renderError = renderError
    }

    /// Routes `method` on `path` (exact match) to `handler`.
    public mutating func on(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        routes[path, default: Route()].byMethod[method] = handler
    }

    /// Routes every method on `path` that no other route of the path names, for
    /// endpoints that answer whatever they are asked with: nginx's
    /// `auth_request` subrequest keeps the method of the request it guards.
    public mutating func any(_ path: String, _ handler: @escaping Handler) {
        routes[path, default: Route()].anyMethod = handler
    }

    /// Answers every request in the ``Request/Role/authorizer`` role, whatever
    /// its path and method: such a request is for another site, so no route
    /// of this one applies. Without this handler they get 404.
    public mutating func authorize(_ handler: @escaping Handler) {
        authorizer = handler
    }

    /// Routes GET (and so HEAD) on `path`.
    public mutating func get(_ path: String, _ handler: @escaping Handler) {
        on(.get, path, handler)
    }

    /// Routes POST on `path`.
    public mutating func post(_ path: String, _ handler: @escaping Handler) {
        on(.post, path, handler)
    }

    /// The response to `request`. Never throws: an `HTTPError` becomes its page,
    /// any other error a 500 page reported to `onUnexpectedError` (for the log).
    public func respond(
        to request: Request, context: Context, onUnexpectedError: (any Error) -> Void = { _ in }
    ) -> Response {
        do {
            return finish(try dispatch(request, context), for: request)
        } catch let error as HTTPError {
            return respond(to: error, for: request)
        } catch {
            onUnexpectedError(error)
            return respond(to: HTTPError(.internalServerError, message: "Something went wrong on our side."), for: request)
        }
    }

    /// The error page for `error`, with its headers.
    public func respond(to error: HTTPError, for request: Request) -> Response {
        var response = renderError(error, request)
        for (name, value) in error.headers { response.headers.replace(name, value) }
        return finish(response, for: request)
    }

    private func finish(_ response: Response, for request: Request) -> Response {
        var response = response
        if request.method == .head {
            response.headers.replace("Content-Length", String(response.body.count))
            response.body = []
        }
        // An authorizer's 200 is not what the client sees: the web server goes
        // on to the protected site, and Apache adds the headers of that 200 to
        // the site's answer, where this CSP would break the site.
        if request.role == .responder || response.status != .ok { securityHeaders.apply(to: &response) }
        return response
    }

    private func dispatch(_ request: Request, _ context: Context) throws -> Response {
        if request.role == .authorizer, let authorizer { return try authorizer(request, context) }
        guard request.role == .responder, let route = routes[request.path] else {
            throw HTTPError(.notFound, message: "There is no page here.")
        }
        let method = request.method == .head ? .get : request.method
        guard let handler = route.byMethod[method] ?? route.anyMethod else {
            var allowed = route.byMethod.keys.map(\.rawValue)
            if route.byMethod[.get] != nil { allowed.append("HEAD") }
            throw HTTPError(.methodNotAllowed, message: "This page does not accept \(request.method).",
                            headers: ["Allow": allowed.sorted().joined(separator: ", ")])
        }
        return try handler(request, context)
    }
}
