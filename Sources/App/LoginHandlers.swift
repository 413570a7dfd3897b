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
        let linked = ReturnAddress.validated(try request.queryFields()["rd"], allowedHosts: settings.allowedRedirectHosts,
                                            plainHTTP: !request.isHTTPS)
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
        // After a refused attempt the name typed is kept, so only the password needs typing again.
        return try show(Page("login", title: "Sign in", [
            "rd": returnTo ?? "", "username": session.username, "nameKept": !session.username.isEmpty,
        ]), to: session, request, &context)
    }

    /// `POST /login`: name and password, and a code for a one-shot login.
    func login(_ request: Request, _ context: inout RequestContext) throws -> Response {
        var (form, session) = try verifiedForm(request, context)
        session.returnTo = ReturnAddress.validated(form["rd"], allowedHosts: settings.allowedRedirectHosts,
                                                  plainHTTP: !request.isHTTPS)
        let name = form["username"] ?? ""
        let outcome: LoginOutcome
        do {
            outcome = try context.accounts.login(
                name: name, password: form["password"] ?? "", code: form.nonEmpty("code"),
                client: context.client, device: devices.credential(in: request), now: context.now)
        } catch let busy as PasswordHashingBusy {
            // Every other outcome is counted from its audit event; a refusal for want of a thread has none.
            metrics.count(.busy)
            throw busy
        }
        // The login page fills the name in again after a refusal; only a name that could be one, so the cookie stays small.
        if session.stage == .anonymous { session.username = (try? UserName.validate(name)) != nil ? name : "" }
        return try answer(outcome, session: session, codeEntered: form.nonEmpty("code") != nil, remember: form["remember"] == "1",
                          retry: request.url("/"), request, &context)
    }

    /// `GET /login/code`: the second step's form, for a session past the password.
    func codePage(_ request: Request, _ context: inout RequestContext) throws -> Response {
        guard let session = context.session(at: .password) else { return .redirect(to: request.url("/")) }
        return try show(Page("code", title: "Two-step verification", ["remember": rememberOffer, "username": session.username]),
                        to: session, request, &context)
    }

    /// `POST /login/code`: a TOTP code or a recovery code completes the login.
    func submitCode(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (form, session) = try verifiedForm(request, context)
        guard let user = session.user(at: .password) else { return .redirect(to: request.url("/")) }
        let outcome = try context.accounts.verifySecondFactor(
            userID: user.id, code: form["code"] ?? "", client: context.client, now: context.now)
        return try answer(outcome, session: session, codeEntered: true, remember: form["remember"] == "1",
                          retry: request.url("/login/code"), codeStep: true, request, &context)
    }

    /// Where a login attempt leads: home (or the return address), the code
    /// step, enrolment, or back to `retry` with the one failure message (at
    /// the `codeStep`, past the password, the one for a wrong code).
    /// `codeEntered`: the attempt carried a code, so a success records its time
    /// for access rules' `fresh=` (a remembered device's does not); with
    /// `remember` too, the browser is remembered (``DeviceCookie``).
    func answer(
        _ outcome: LoginOutcome, session: Session, codeEntered: Bool, remember: Bool, retry: String, codeStep: Bool = false,
        _ request: Request, _ context: inout RequestContext
    ) throws -> Response {
        let next: Session.Stage
        let user: AuthenticatedUser
        switch outcome {
        case .success(let who): (next, user) = (.full, who)
        case .needsCode(let who): (next, user) = (.password, who)
        case .needsEnrolment(let who): (next, user) = (.enrolling, who)
        case .refused(let refusal):
            return redirect(to: retry, with: session, telling: refusal, codeStep: codeStep, &context)
        }
        // A half-done login keeps the generation it began under: if every session
        // of the user was ended meanwhile (logout everywhere, new password), so is this one.
        if session.stage != .anonymous, session.generation != user.sessionGeneration {
            return try startOver(saying: "Your sign-in was ended. Please sign in again.", request, &context)
        }
        // The password-only step never gets a fresh clock (an empty code, or
        // the password sent again, would otherwise keep it alive for ever): it
        // ends when it would have, and the next starts from the login page.
        if next == .password, session.stage == .password, session.userID == user.id {
            return redirect(to: request.url("/login/code"), with: session, &context)
        }
        var advanced = try session.advanced(to: next, userID: user.id, username: user.name,
                                            generation: user.sessionGeneration, now: context.now)
        switch next {
        case .full:
            advanced.returnTo = Self.keptForHome(session.returnTo)
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

    /// The longest return address a full session keeps, for home's "Back to
    /// where you were": the cookie goes with every request and renewal, and the
    /// redirect that sets it also carries the address as `Location`, which
    /// together must fit a web server's header buffer (nginx: 4 KiB by default).
    static let longestKeptReturnAddress = 512

    /// `returnTo` when a full session may keep it for home; nil when too long (the redirect alone carries it).
    static func keptForHome(_ returnTo: String?) -> String? {
        returnTo.flatMap { $0.utf8.count <= longestKeptReturnAddress ? $0 : nil }
    }

    /// What the user reads when a code is refused past the password, where
    /// saying that the code was wrong gives nothing away: the usual cause.
    static let wrongCode = "That code did not work. Type the code your app shows now; if it fails again, "
        + "check that your phone sets its clock automatically."

    /// What the code step says of "Remember this device": how long, or false when it is off (the checkbox hidden).
    var rememberOffer: Any {
        settings.accounts.rememberDevice > 0 ? DisplayTime.duration(settings.accounts.rememberDevice) : false
    }

    /// What the user reads when an attempt is refused (at the `codeStep`, past the password, or at the login).
    static func message(for refusal: Refusal, codeStep: Bool = false) -> String {
        switch refusal {
        case .failed: codeStep ? wrongCode : invalidCredentials
        case .throttled(let seconds): "Too many attempts, try again in \(seconds) s"
        case .locked: "Too many attempts: this account is locked. Ask an administrator to unlock it, or try again later."
        }
    }
}
