import Accounts
import Web

/// `/home` and what it offers: new recovery codes, signing out everywhere.
extension Handlers {
    /// Below this many unused recovery codes, home suggests making new ones.
    static let fewRecoveryCodes = 3

    /// `GET /home`: who is signed in and since when, the second factor and the
    /// recovery codes left, for a fully logged-in session.
    func home(_ request: Request, _ context: inout RequestContext) throws -> Response {
        guard let session = context.session, let user = session.user(at: .full),
              let summary = try context.accounts.summary(userID: user.id, now: context.now)
        else { return .redirect(to: request.url("/")) }
        let enrolledAt: Int64? = if case .enrolled(let since) = summary.secondFactor { since } else { nil }
        let recoveryCodesLeft = summary.unusedRecoveryCodes
        return try show(Page("home", title: "Home", [
            "username": session.username,
            "signedIn": DisplayTime.dateAndTime(session.issuedAt),
            "signedInISO": DisplayTime.machineReadable(session.issuedAt),
            "signedInAgo": DisplayTime.ago(context.now - session.issuedAt),
            "enrolledOn": enrolledAt.map(DisplayTime.date) ?? false,
            "enrolledISO": enrolledAt.map(DisplayTime.machineReadable) ?? "",
            "recoveryCodesLeft": recoveryCodesLeft,
            "fewRecoveryCodes": recoveryCodesLeft < Self.fewRecoveryCodes,
            "returnTo": session.returnTo ?? false,
        ]), to: session, request, &context)
    }

    /// `POST /recovery-codes`: a current TOTP code replaces every recovery
    /// code; the answer shows the new ones, this once. A refused code goes
    /// back home with the message.
    func regenerateRecoveryCodes(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (form, session) = try verifiedForm(request, context)
        guard let user = session.user(at: .full) else { return .redirect(to: request.url("/")) }
        switch try context.accounts.regenerateRecoveryCodes(
            userID: user.id, code: form["code"] ?? "", client: context.client, now: context.now) {
        case .confirmed(let codes):
            return try recoveryCodesPage(codes, replacingOld: true, session: session, request, &context)
        case .refused(let refusal):
            return redirect(to: request.url("/home"), with: session, telling: refusal, codeStep: true, &context)
        }
    }

    /// `POST /logout/everywhere`: ends every session of the user, this one
    /// included, then goes to the start like a logout.
    func logoutEverywhere(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let session = try verifiedForm(request, context).session
        if session.stage == .full {
            try context.accounts.logoutEverywhere(named: session.username)
            revocations.recordLogout(session.id)
        }
        return try signedOut(request, &context)
    }
}
