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
        var session = try cookie.session(in: request, now: context.now) ?? Session.anonymous(now: context.now)
        if session.stage == .full { return .redirect(to: request.url("/home")) }
        let returnTo = ReturnAddress.validated(try request.queryFields()["rd"], allowedHosts: settings.allowedRedirectHosts)
        let flash = session.flash
        session.flash = nil
        var response = try pages.render("login", title: "Sign in", for: request, [
            "csrf": session.csrfToken,
            "rd": returnTo ?? "",
            "flash": flash ?? false,
        ])
        try cookie.store(session, in: &response, for: request, now: context.now)
        return response
    }
}
