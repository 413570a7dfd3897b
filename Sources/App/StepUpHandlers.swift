import Encoding
import Web

/// `/verify`: step-up. A logged-in user whose last code is older than an
/// access rule's `fresh=` asks for it again here, then goes back to `rd`.
extension Handlers {
    /// `GET /verify?rd=…`: the code form when the rules want a fresher code for
    /// `rd`; straight on to `rd` when they do not (any more); the login for no session.
    func verifyPage(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let returnTo = ReturnAddress.validated(try request.queryFields()["rd"], allowedHosts: settings.allowedRedirectHosts)
        guard let session = context.session(at: .full) else {
            return .redirect(to: request.url("/") + (returnTo.map { "?rd=" + PercentEncoding.encode($0) } ?? ""))
        }
        let destination = returnTo ?? request.url("/home")
        guard needsStepUp(session, for: destination, request, context) else { return .redirect(to: destination) }
        return try show(Page("verify", title: "Confirm it is you", ["username": session.username, "rd": destination]),
                        to: session, request, &context)
    }

    /// `POST /verify`: a right code (or recovery code) records the time of
    /// this code in the session and goes on to `rd`; a wrong one counts like a
    /// failed login and comes back here.
    func verify(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (form, session) = try verifiedForm(request, context)
        guard let user = session.user(at: .full) else { return .redirect(to: request.url("/")) }
        let destination = ReturnAddress.validated(form["rd"], allowedHosts: settings.allowedRedirectHosts) ?? request.url("/home")
        switch try context.accounts.verifySecondFactor(userID: user.id, code: form["code"] ?? "", client: context.client, now: context.now) {
        case .success:
            var verified = session
            verified.codeEnteredAt = context.now
            return redirect(to: destination, with: verified, &context)
        case .refused(let refusal):
            return redirect(to: request.url("/verify") + "?rd=" + PercentEncoding.encode(destination),
                            with: session, telling: refusal, &context)
        case .needsCode, .needsEnrolment:
            return try startOver(saying: "Your sign-in was ended. Please sign in again.", request, &context)
        }
    }

    /// Whether the access rules want a fresher code from `session` for the
    /// return address `destination` (a local path on this host, or an allowed absolute URL).
    func needsStepUp(_ session: Session, for destination: String, _ request: Request, _ context: RequestContext) -> Bool {
        var host = request.headers["host"] ?? ""
        var uri = destination
        if !destination.hasPrefix("/"), let schemeEnd = destination.range(of: "://") {
            let rest = destination[schemeEnd.upperBound...]
            let pathStart = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            host = String(rest[..<pathStart])
            uri = rest[pathStart...].hasPrefix("/") ? String(rest[pathStart...]) : "/" + rest[pathStart...]
        }
        return decide(for: session, host: host, uri: uri, context).decision == .stepUp
    }
}
