import Web

/// The session around every route: decoded and checked once before the
/// handler runs, into ``RequestContext/session``; written back after it as
/// the handler asked (``RequestContext/sessionUpdate``), or renewed when due.
/// The paths of machines (`/healthz`, `/metrics`) neither read nor set it.
struct SessionMiddleware: Middleware {
    let cookie: SessionCookie
    let revocations: SessionRevocations
    /// Paths answered without a session: no store query for it, no cookie.
    static let sessionlessPaths: Set<String> = ["/healthz", "/metrics"]

    func handle(_ request: Request, context: inout RequestContext, next: (Request, inout RequestContext) -> Response) throws -> Response {
        if Self.sessionlessPaths.contains(request.path) { return next(request, &context) }
        if let session = cookie.session(in: request, now: context.now),
           let groups = try revocations.currentGroups(of: session, accounts: context.accounts) {
            context.session = session
            context.groups = groups
        }
        var response = next(request, &context)
        // An error page changes no session: a handler that failed changed nothing.
        guard response.status.code < 400 else { return response }
        switch context.sessionUpdate {
        case .renewIfDue:
            // Activity moves the idle lifetime on, but only for answers that served the session.
            if let session = context.session, (200..<300).contains(response.status.code),
               cookie.codec.needsRenewal(session, now: context.now) {
                try cookie.store(session, in: &response, for: request, now: context.now)
            }
        case .replace(let session):
            try cookie.store(session, in: &response, for: request, now: context.now)
        case .end:
            cookie.clear(in: &response, for: request)
        }
        return response
    }
}
