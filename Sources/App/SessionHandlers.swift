import Accounts
import Encoding
import Web

/// `/logout`: ending a session.
extension Handlers {
    /// `GET` or `POST /logout` (a POST carries the CSRF token): ends the
    /// session for real (a copy of the cookie stops working), clears the
    /// cookie and goes to the start. A `GET` the browser does not vouch came
    /// from this site (an image or link elsewhere) only asks: a page with a
    /// button that POSTs.
    func logout(_ request: Request, _ context: inout RequestContext) throws -> Response {
        // HEAD is answered like GET but must change nothing (link checkers, prefetchers).
        guard request.method != .head else { return .redirect(to: request.url("/")) }
        // "Sign in as someone else" (the /denied page) comes back to where it was refused.
        var returnTo: String?
        if request.method == .post {
            returnTo = ReturnAddress.validated(try verifiedForm(request, context).form["rd"], allowedHosts: settings.allowedRedirectHosts,
                                               plainHTTP: !request.isHTTPS)
        } else if !request.isVouchedSameSite, let session = context.session, session.stage != .anonymous {
            return try show(Page("logout", title: "Sign out?"), to: session, request, &context)
        }
        if let session = context.session, let user = session.user(at: session.stage) {
            try context.accounts.logout(user, sessionID: session.id, expiresAt: settings.lifetimes.expiry(of: session), now: context.now)
            revocations.recordLogout(session.id)
        }
        return try signedOut(request, returningTo: returnTo, &context)
    }
}
