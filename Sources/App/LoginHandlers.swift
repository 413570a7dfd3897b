import Accounts
import Encoding
import OTP
import Web

/// `/`, `POST /login` and `/login/code`: password, then the second factor.
extension Handlers {
    /// The one answer to every failed attempt: no hint of which part was wrong.
    static let invalidCredentials = "Invalid username, password or code"

    /// `GET /`: the login form with its CSRF token; a logged-in user goes on
    /// to `rd`, or home.
    func loginPage(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let linked = ReturnAddress.validated(try request.queryFields()["rd"], allowedHosts: settings.allowedRedirectHosts)
        switch context.session?.stage {
        case .full:
            // Sent back with `rd` by `/auth` or the authorizer: for a step-up
            // (the code alone, at /verify), or to renew the cookie on the way
            // (``renewalDetour``), which this redirect does.
            guard let session = context.session else { break }
            var next = linked ?? request.url("/home")
            if let linked, needsStepUp(session, for: linked, request, context) {
                next = request.url("/verify") + "?rd=" + PercentEncoding.encode(linked)
            }
            return redirect(to: next, with: session, &context)
        case .password: return .redirect(to: request.url("/login/code"))  // "Cancel" there logs out
        case .enrolling: return .redirect(to: request.url("/enroll"))
        case .anonymous, nil: break
        }
        // The return address comes from the link that sent the user here, or
        // from the session when a failed attempt brought them back.
        let returnTo = linked ?? context.session?.returnTo
        let session = try context.session ?? Session.anonymous(now: context.now)
        return try show(Page("login", title: "Sign in", ["rd": returnTo ?? ""]), to: session, request, &context)
    }

    /// `POST /login`: name and password, and a code for a one-shot login.
    func login(_ request: Request, _ context: inout RequestContext) throws -> Response {
        var (form, session) = try verifiedForm(request, context)
        session.returnTo = ReturnAddress.validated(form["rd"], allowedHosts: settings.allowedRedirectHosts)
        let outcome: LoginOutcome
        do {
            outcome = try context.accounts.login(
                name: form["username"] ?? "", password: form["password"] ?? "", code: form.nonEmpty("code"),
                client: context.client, device: devices.credential(in: request), now: context.now)
        } catch let busy as HashingPool.Busy {
            // Every other outcome is counted from its audit event; a refusal for want of a thread has none.
            metrics.count(.busy)
            throw busy
        }
        return try answer(outcome, session: session, codeEntered: form.nonEmpty("code") != nil, remember: form["remember"] == "1",
                          retry: request.url("/"), request, &context)
    }

    /// `GET /login/code`: the second step's form, for a session past the password.
    func codePage(_ request: Request, _ context: inout RequestContext) throws -> Response {
        guard let session = context.session(at: .password) else { return .redirect(to: request.url("/")) }
        return try show(Page("code", title: "Two-step verification", ["remember": rememberOffer]), to: session, request, &context)
    }

    /// `POST /login/code`: a TOTP code or a recovery code completes the login.
    func submitCode(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (form, session) = try verifiedForm(request, context)
        guard let user = session.user(at: .password) else { return .redirect(to: request.url("/")) }
        let outcome = try context.accounts.verifySecondFactor(
            userID: user.id, code: form["code"] ?? "", client: context.client, now: context.now)
        return try answer(outcome, session: session, codeEntered: true, remember: form["remember"] == "1",
                          retry: request.url("/login/code"), request, &context)
    }

    /// Where a login attempt leads: home (or the return address), the code
    /// step, enrolment, or back to `retry` with the one failure message.
    /// `codeEntered`: the attempt carried a code, so a success records its time
    /// for access rules' `fresh=` (a remembered device's does not); with
    /// `remember` too, the browser is remembered (``DeviceCookie``).
    func answer(
        _ outcome: LoginOutcome, session: Session, codeEntered: Bool, remember: Bool, retry: String, _ request: Request, _ context: inout RequestContext
    ) throws -> Response {
        let next: Session.Stage
        let user: AuthenticatedUser
        switch outcome {
        case .success(let who): (next, user) = (.full, who)
        case .needsCode(let who): (next, user) = (.password, who)
        case .needsEnrolment(let who): (next, user) = (.enrolling, who)
        case .refused(let refusal):
            return redirect(to: retry, with: session, telling: refusal, &context)
        }
        // A half-done login keeps the generation it began under: if every session
        // of the user was ended meanwhile (logout everywhere, new password), so is this one.
        if session.stage != .anonymous, session.generation != user.sessionGeneration {
            return try startOver(saying: "Your sign-in was ended. Please sign in again.", request, &context)
        }
        var advanced = try session.advanced(to: next, userID: user.id, username: user.name,
                                            generation: user.sessionGeneration, now: context.now)
        switch next {
        case .full:
            advanced.returnTo = nil
            advanced.flash = nil
            if codeEntered { advanced.codeEnteredAt = context.now }
            var response = redirect(to: session.returnTo ?? request.url("/home"), with: advanced, &context)
            if codeEntered, remember,
               let token = try context.accounts.rememberDevice(user, label: BrowserName.describe(request.headers["user-agent"]), now: context.now) {
                try devices.store(token: token, for: user, in: &response, for: request)
            }
            return response
        case .enrolling:
            advanced.enrolment = try context.accounts.beginEnrolment(userID: user.id)
            return redirect(to: request.url("/enroll"), with: advanced, &context)
        case .password, .anonymous:
            return redirect(to: request.url("/login/code"), with: advanced, &context)
        }
    }

    /// What the code step says of "Remember this device": how long, or false when it is off (the checkbox hidden).
    var rememberOffer: Any {
        settings.accounts.rememberDevice > 0 ? DisplayTime.duration(settings.accounts.rememberDevice) : false
    }

    /// What the user reads when an attempt is refused.
    static func message(for refusal: Refusal) -> String {
        switch refusal {
        case .failed: invalidCredentials
        case .throttled(let seconds): "Too many attempts, try again in \(seconds) s"
        case .locked: "Too many attempts: this account is locked. Ask an administrator to unlock it, or try again later."
        }
    }
}
