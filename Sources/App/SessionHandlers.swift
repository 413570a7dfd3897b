import Accounts
import Encoding
import Web

/// `/logout`: ending a session.
extension Handlers {
    /// `GET` or `POST /logout` (a POST carries the CSRF token): ends the
    /// session for real (a copy of the cookie stops working), clears the
    /// cookie and goes to the start.
    func logout(_ request: Request, _ context: inout RequestContext) throws -> Response {
        // HEAD is answered like GET but must change nothing (link checkers, prefetchers).
        guard request.method != .head else { return .redirect(to: request.url("/")) }
        // "Sign in as someone else" (the /denied page) comes back to where it was refused.
        var returnTo: String?
        if request.method == .post {
            returnTo = ReturnAddress.validated(try verifiedForm(request, context).form["rd"], allowedHosts: settings.allowedRedirectHosts)
        }
        if let session = context.session, let user = session.user(at: session.stage) {
            let expiresAt = session.issuedAt + settings.lifetimes.absoluteLimit(for: session.stage)
            try context.accounts.logout(user, sessionID: session.id, expiresAt: expiresAt, now: context.now)
            revocations.recordLogout(session.id)
        }
        return signedOut(request, returningTo: returnTo, &context)
    }
}
