import Accounts
import Web

/// The route handlers: plain functions from request and context to response,
/// over the pages, the session cookie and the accounts.
struct Handlers: Sendable {
    let pages: Pages
    let cookie: SessionCookie
    let revocations: SessionRevocations
    let enrolmentImages: EnrolmentImages
    let settings: Settings

    func register(on router: inout Router<RequestContext>) {
        router.get("/") { try loginPage($0, $1) }
        router.post("/login") { try login($0, $1) }
        router.get("/login/code") { try codePage($0, $1) }
        router.post("/login/code") { try submitCode($0, $1) }
        router.get("/enroll") { try enrolmentPage($0, $1) }
        router.post("/enroll") { try enrol($0, $1) }
        router.get("/qr") { try qrImage($0, $1) }
        router.get("/home") { try home($0, $1) }
        router.get("/logout") { try logout($0, $1, form: nil) }
        router.post("/logout") { try logout($0, $1, form: $0.form()) }
        router.post("/logout/everywhere") { try logoutEverywhere($0, $1) }
        router.post("/recovery-codes") { try regenerateRecoveryCodes($0, $1) }
        router.any("/auth") { try auth($0, $1) }
        router.authorize { try authorize($0, $1) }
    }

    /// The request's session when its cookie verifies, has not expired, and
    /// (for a user's session) has not been ended by a logout or generation bump.
    func session(of request: Request, _ context: RequestContext) throws -> Session? {
        guard let session = cookie.session(in: request, now: context.now) else { return nil }
        return try revocations.isCurrent(session, accounts: context.accounts) ? session : nil
    }

    /// The request's session at `stage`, or nil.
    func session(of request: Request, _ context: RequestContext, at stage: Session.Stage) throws -> Session? {
        try session(of: request, context).flatMap { $0.stage == stage ? $0 : nil }
    }

    /// Checks the POSTed form's CSRF token against the request's session (403 when wrong or missing).
    func verifiedForm(_ request: Request, _ context: RequestContext) throws -> (FormFields, Session?) {
        let form = try request.form()
        let session = try session(of: request, context)
        try CSRF.verify(form, session: session)
        return (form, session)
    }

    /// `303` to `location`, carrying `session` in the cookie.
    func redirect(to location: String, with session: Session, _ request: Request, _ context: RequestContext) throws -> Response {
        var response = Response.redirect(to: location)
        try cookie.store(session, in: &response, for: request, now: context.now)
        return response
    }

    /// `303` back to `location` to try again, the next page saying why `refusal` happened.
    func redirect(
        to location: String, with session: Session, telling refusal: Refusal, _ request: Request, _ context: RequestContext
    ) throws -> Response {
        var again = session
        again.flash = Self.message(for: refusal)
        return try redirect(to: location, with: again, request, context)
    }

    /// `303` to the start with a fresh anonymous session saying `message`:
    /// for a half-done login or enrolment that can no longer finish.
    func startOver(saying message: String, _ request: Request, _ context: RequestContext) throws -> Response {
        var fresh = try Session.anonymous(now: context.now)
        fresh.flash = message
        return try redirect(to: request.url("/"), with: fresh, request, context)
    }

    /// A page showing (and so consuming) the session's flash message, with its
    /// CSRF token; re-issues the cookie when the session is new or changed, or
    /// needs renewing.
    func page(
        _ name: String, title: String, session: Session, isNew: Bool = false, _ request: Request, _ context: RequestContext,
        secret: Bool = false, _ values: [String: Any] = [:]
    ) throws -> Response {
        var session = session
        var values = values
        values["flash"] = session.flash ?? false
        values["csrf"] = session.csrfToken
        let changed = isNew || session.flash != nil
        session.flash = nil
        var response = try pages.render(name, title: title, for: request, values)
        if secret { response.forbidCaching() }
        if changed || cookie.codec.needsRenewal(session, now: context.now) {
            try cookie.store(session, in: &response, for: request, now: context.now)
        }
        return response
    }
}

extension AuthenticatedUser {
    /// The user a signed-in session names.
    init?(_ session: Session) {
        guard let id = session.userID else { return nil }
        self.init(id: id, name: session.username, sessionGeneration: session.generation)
    }
}
