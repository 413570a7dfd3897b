/// Maps method + path to handlers through the middleware around them, and
/// answers 404, 405 and HEAD itself.
///
/// `Context` is what a handler gets besides the request: made by the worker
/// for each request (the time, its store connection) and filled in by the
/// middleware (the session). One router serves every thread.
public struct Router<Context>: Sendable {
    /// Answers one request: a route's handler.
    public typealias Handler = @Sendable (Request, inout Context) throws -> Response
    /// Draws the page of an error.
    public typealias ErrorPage = @Sendable (any HTTPResponseError, Request) -> Response
    /// Hears of an error that is a 500 (one no page explains, or one that says so), for the log.
    public typealias ErrorReport = @Sendable (any Error, Request) -> Void

    /// The handlers of one path.
    @usableFromInline struct Route: Sendable {
        @usableFromInline var byMethod: [HTTPMethod: Handler] = [:]
        /// Answers the methods `byMethod` does not name.
        @usableFromInline var anyMethod: Handler?

        @usableFromInline init() {}
    }

    // The answering side is `@inlinable`, so that the application's router is
    // specialised for its context instead of running generic code per request.
    @usableFromInline var routes: [String: Route] = [:]
    /// Answers every request in the authorizer role.
    @usableFromInline var authorizer: Handler?
    @usableFromInline var middleware: [any Middleware<Context>] = []
    @usableFromInline let errorPage: ErrorPage
    @usableFromInline let reportUnexpected: ErrorReport

    /// An empty router: `errorPage` draws every error page, and `reportUnexpected`
    /// hears of each error answered 500.
    public init(errorPage: @escaping ErrorPage, reportUnexpected: @escaping ErrorReport = { _, _ in }) {
        self.errorPage = errorPage
        self.reportUnexpected = reportUnexpected
    }

    /// Every path a route serves.
    public var paths: Set<String> { Set(routes.keys) }

    /// Runs `middleware` around every route (and every error page); the first added is the outermost.
    public mutating func add(_ middleware: some Middleware<Context>) {
        self.middleware.append(middleware)
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

    /// The response to `request`, through the middleware to its route. Never
    /// throws: an ``HTTPResponseError`` becomes its page, any other error a 500
    /// page.
    @inlinable
    public func respond(to request: Request, context: inout Context) -> Response {
        withoutBodyForHead(run(0, request, &context, dispatch), for: request)
    }

    /// The page for a request refused before routing (the transport's 413 or
    /// 400), through the same middleware, so it looks like every other answer.
    @inlinable
    public func respond(to error: any HTTPResponseError, for request: Request, context: inout Context) -> Response {
        withoutBodyForHead(run(0, request, &context) { _, _ in throw error }, for: request)
    }

    /// The middleware from `index` inwards, then `endpoint`; an error becomes its page right where it is thrown.
    @inlinable
    func run(
        _ index: Int, _ request: Request, _ context: inout Context, _ endpoint: (Request, inout Context) throws -> Response
    ) -> Response {
        do {
            guard index < middleware.count else { return try endpoint(request, &context) }
            return try middleware[index].handle(request, context: &context) { request, context in
                run(index + 1, request, &context, endpoint)
            }
        } catch let error as any HTTPResponseError {
            // A 500 is ours to fix, whichever error says so.
            if error.status == .internalServerError { reportUnexpected(error, request) }
            return page(for: error, request)
        } catch {
            reportUnexpected(error, request)
            return page(for: HTTPError(.internalServerError, message: "Something went wrong on our side."), request)
        }
    }

    /// The error page for `error`, with its headers.
    @inlinable
    func page(for error: any HTTPResponseError, _ request: Request) -> Response {
        var response = errorPage(error, request)
        for (name, value) in error.headers { response.headers.replace(name, value) }
        return response
    }

    /// HEAD gets GET's answer with its length but without its body.
    @inlinable
    func withoutBodyForHead(_ response: Response, for request: Request) -> Response {
        guard request.method == .head else { return response }
        var response = response
        response.headers.replace("Content-Length", String(response.body.count))
        response.body = []
        return response
    }

    /// What a 405 page tells a person, who knows links and forms, not methods:
    /// most often a bookmarked or reloaded form address (`opening`), or a form sent to a page.
    @usableFromInline
    static func wrongMethodMessage(opening: Bool) -> String {
        opening
            ? "This address only receives a form as it is sent; it is not a page to open. Start again from the sign-in page."
            : "This page cannot receive a form. Go back, reload the page and try again."
    }

    @inlinable
    func dispatch(_ request: Request, _ context: inout Context) throws -> Response {
        if request.role == .authorizer, let authorizer { return try authorizer(request, &context) }
        guard request.role == .responder, let route = routes[request.path] else {
            throw HTTPError(.notFound, message: "There is no page here.")
        }
        let method = request.method == .head ? .get : request.method
        guard let handler = route.byMethod[method] ?? route.anyMethod else {
            var allowed = route.byMethod.keys.map(\.rawValue)
            if route.byMethod[.get] != nil { allowed.append("HEAD") }
            throw HTTPError(.methodNotAllowed, message: Self.wrongMethodMessage(opening: method == .get),
                            headers: ["Allow": allowed.sorted().joined(separator: ", ")])
        }
        return try handler(request, &context)
    }
}
