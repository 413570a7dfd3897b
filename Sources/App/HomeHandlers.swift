import Accounts
import Web

/// `/home` and what it offers: new recovery codes, signing out everywhere.
extension Handlers {
    /// Below this many unused recovery codes, home suggests making new ones.
    static let fewRecoveryCodes = 3

    /// `GET /home`: who is signed in and since when, the second factor and the
    /// recovery codes left, for a fully logged-in session.
    func home(_ request: Request, _ context: RequestContext) throws -> Response {
        guard let session = try session(of: request, context, at: .full), let userID = session.userID else {
            return .redirect(to: request.url("/"))
        }
        let enrolledAt = try context.accounts.store.user(id: userID)?.enrolledAt
        let recoveryCodesLeft = try context.accounts.remainingRecoveryCodes(userID: userID)
        return try page("home", title: "Home", session: session, request, context, [
            "username": session.username,
            "signedIn": DisplayTime.dateAndTime(session.issuedAt),
            "signedInISO": DisplayTime.machineReadable(session.issuedAt),
            "signedInAgo": DisplayTime.ago(context.now - session.issuedAt),
            "enrolledOn": enrolledAt.map(DisplayTime.date) ?? false,
            "enrolledISO": enrolledAt.map(DisplayTime.machineReadable) ?? "",
            "recoveryCodesLeft": recoveryCodesLeft,
            "fewRecoveryCodes": recoveryCodesLeft < Self.fewRecoveryCodes,
        ])
    }

    /// `POST /recovery-codes`: a current TOTP code replaces every recovery
    /// code; the answer shows the new ones, this once. A refused code goes
    /// back home with the message.
    func regenerateRecoveryCodes(_ request: Request, _ context: RequestContext) throws -> Response {
        let (form, current) = try verifiedForm(request, context)
        guard let session = current, session.stage == .full, let userID = session.userID else {
            return .redirect(to: request.url("/"))
        }
        switch try context.accounts.regenerateRecoveryCodes(
            userID: userID, code: form["code"] ?? "", client: ClientAddress(request.clientAddress), now: context.now) {
        case .confirmed(let codes):
            return try recoveryCodesPage(codes, replacingOld: true, session: session, isNew: false, request, context)
        case .refused(let refusal):
            return try redirect(to: request.url("/home"), with: session, telling: refusal, request, context)
        }
    }

    /// `POST /logout/everywhere`: ends every session of the user, this one
    /// included, then goes to the start like a logout.
    func logoutEverywhere(_ request: Request, _ context: RequestContext) throws -> Response {
        let (_, current) = try verifiedForm(request, context)
        if let session = current, session.stage == .full {
            try context.accounts.logoutEverywhere(named: session.username)
            revocations.recordLogout(session.id)
        }
        var response = Response.redirect(to: request.url("/"))
        cookie.clear(in: &response, for: request)
        return response
    }
}
