import Web

/// The route handlers: plain functions from request and context to response.
struct Handlers: Sendable {
    let pages: Pages
    let cookie: SessionCookie
    let settings: Settings

    func register(on router: inout Router<RequestContext>) {
        router.get("/") { try loginPage($0, $1) }
    }

    /// `GET /`: the login form with its CSRF token; a logged-in user goes home.
    func loginPage(_ request: Request, _ context: RequestContext) throws -> Response {
        let existing = cookie.session(in: request, now: context.now)
        if existing?.stage == .full { return .redirect(to: request.url("/home")) }
        var session = try existing ?? Session.anonymous(now: context.now)
        let returnTo = ReturnAddress.validated(try request.queryFields()["rd"], allowedHosts: settings.allowedRedirectHosts)
        let flash = session.flash
        session.flash = nil
        var response = try pages.render("login", title: "Sign in", for: request, [
            "csrf": session.csrfToken,
            "rd": returnTo ?? "",
            "flash": flash ?? false,
        ])
        // Re-issue the cookie only when something changed or activity needs recording.
        if existing == nil || flash != nil || cookie.codec.needsRenewal(session, now: context.now) {
            try cookie.store(session, in: &response, for: request, now: context.now)
        }
        return response
    }
}
