import Accounts
import Encoding
import Web

/// The route handlers: plain functions from the request and its context to a
/// response, over the pages and the accounts. The session comes in the
/// context and goes back through it (``RequestContext/sessionUpdate``):
/// handlers never touch the cookie.
struct Handlers: Sendable {
    let pages: Pages
    let revocations: SessionRevocations
    let enrolmentImages: EnrolmentImages
    let settings: Settings
    /// The access rules, compiled once.
    let policy: AccessPolicy
    /// The remember-device cookie.
    let devices: DeviceCookie
    let metrics: Metrics

    /// Every path ``register(on:)`` routes, and the label of the FastCGI
    /// authorizer's requests: each gets its own request-duration histogram
    /// (``SharedMetrics``), so a new route is added here too.
    static let routes = [
        "/", "/login", "/login/code", "/enroll", "/qr", "/home", "/logout", "/logout/everywhere", "/recovery-codes",
        "/auth", "/denied", "/verify", "/password", "/devices/forget", "/healthz", "/metrics", authorizerRoute,
    ]

    /// The `route` label of requests in the FastCGI authorizer role, whose
    /// paths are the protected sites'.
    static let authorizerRoute = "authorizer"

    /// The routes whose POST hashes a password, and so may wait for a hashing
    /// slot: the transport answers them on its login lane.
    static let passwordRoutes: Set<String> = ["/login", "/password"]

    func register(on router: inout Router<RequestContext>) {
        router.get("/", loginPage)
        router.post("/login", login)
        router.get("/login/code", codePage)
        router.post("/login/code", submitCode)
        router.get("/enroll", enrolmentPage)
        router.post("/enroll", enrol)
        router.get("/qr", qrImage)
        router.get("/home", home)
        router.get("/logout", logout)
        router.post("/logout", logout)
        router.post("/logout/everywhere", logoutEverywhere)
        router.post("/recovery-codes", regenerateRecoveryCodes)
        router.any("/auth", auth)
        router.get("/denied", deniedPage)
        router.get("/verify", verifyPage)
        router.post("/verify", verify)
        router.get("/password", passwordPage)
        router.post("/password", changePassword)
        router.post("/devices/forget", forgetDevice)
        router.authorize(authorize)
        router.get("/healthz", health)
        router.get("/metrics", metricsPage)
    }

    /// The POSTed form and the session whose CSRF token it carries (403 when
    /// the token is wrong or missing, or there is no session).
    func verifiedForm(_ request: Request, _ context: RequestContext) throws -> (form: FormFields, session: Session) {
        let form = try request.form()
        return (form, try CSRF.verify(form, session: context.session))
    }

    /// `303` to `location`, the cookie then carrying `session`.
    func redirect(to location: String, with session: Session, _ context: inout RequestContext) -> Response {
        context.sessionUpdate = .replace(session)
        return .redirect(to: location)
    }

    /// `303` back to `location` to try again, the next page saying why
    /// `refusal` happened (at the `codeStep`, past the password, in its words).
    func redirect(
        to location: String, with session: Session, telling refusal: Refusal, codeStep: Bool = false, _ context: inout RequestContext
    ) -> Response {
        var again = session
        again.flash = Self.message(for: refusal, codeStep: codeStep)
        return redirect(to: location, with: again, &context)
    }

    /// `303` to the start with a fresh anonymous session saying `message`:
    /// for a half-done login or enrolment that can no longer finish.
    func startOver(saying message: String, _ request: Request, _ context: inout RequestContext) throws -> Response {
        var fresh = try Session.anonymous(now: context.now)
        fresh.flash = message
        return redirect(to: request.url("/"), with: fresh, &context)
    }

    /// What the sign-in page says after a logout.
    static let signedOutNotice = "You have signed out."
    /// Flash messages that tell, rather than warn: shown as a notice, not an alert.
    static let flashNotices: Set<String> = [signedOutNotice]

    /// `303` to the start with a fresh anonymous session that only says the
    /// user has signed out: what logging out ends with; the login there leads
    /// on to `returnTo` when there is one.
    func signedOut(_ request: Request, returningTo returnTo: String? = nil, _ context: inout RequestContext) throws -> Response {
        var fresh = try Session.anonymous(now: context.now)
        fresh.flash = Self.signedOutNotice
        return redirect(to: request.url("/") + (returnTo.map { "?rd=" + PercentEncoding.encode($0) } ?? ""), with: fresh, &context)
    }

    /// `page` for `session`, with its CSRF token and its flash message, which
    /// showing consumes; the cookie changes when the session does (new, or
    /// its message shown).
    func show(_ page: Page, to session: Session, _ request: Request, _ context: inout RequestContext) throws -> Response {
        var page = page
        // A flash that tells rather than warns shows as the page's notice (home has notices of its own).
        if let flash = session.flash, Self.flashNotices.contains(flash) {
            page.values["flash"] = false
            page.values["notice"] = flash
        } else {
            page.values["flash"] = session.flash ?? false
        }
        page.values["csrf"] = session.csrfToken
        var shown = session
        shown.flash = nil
        if shown != context.session { context.sessionUpdate = .replace(shown) }
        return try pages.render(page, for: request)
    }
}
