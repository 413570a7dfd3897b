import Accounts
import Encoding
import Web

/// `/logout` and `/auth`: ending a session, and checking one for nginx.
extension Handlers {
    /// `GET` or `POST /logout` (a POST carries the CSRF token): ends the
    /// session for real (a copy of the cookie stops working), clears the
    /// cookie and goes to the start.
    func logout(_ request: Request, _ context: inout RequestContext) throws -> Response {
        // HEAD is answered like GET but must change nothing (link checkers, prefetchers).
        guard request.method != .head else { return .redirect(to: request.url("/")) }
        if request.method == .post { _ = try verifiedForm(request, context) }
        if let session = context.session, let user = session.user(at: session.stage) {
            let expiresAt = session.issuedAt + settings.lifetimes.absoluteLimit(for: session.stage)
            try context.accounts.logout(user, sessionID: session.id, expiresAt: expiresAt, now: context.now)
            revocations.recordLogout(session.id)
        }
        return try signedOut(request, &context)
    }

    /// `/auth`, for nginx `auth_request`: 200 with `X-Auth-User` for a fully
    /// logged-in session, 401 otherwise; never a body. Any method gets the same
    /// answer, since the subrequest keeps the guarded request's method. A 401
    /// names in `X-Auth-Return-To` where the login should lead back to; a 200
    /// renews an idle-expiring cookie (``SessionMiddleware``).
    func auth(_ request: Request, _ context: inout RequestContext) throws -> Response {
        guard let session = context.session(at: .full) else {
            var response = Response(status: .unauthorized)
            if let returnTo = guardedAddress(of: request) {
                response.headers.add("X-Auth-Return-To", PercentEncoding.encode(returnTo))
            }
            return response
        }
        return Response(status: .ok, headers: ["X-Auth-User": session.username])
    }

    /// The URL of the request `auth_request` guards (its `REQUEST_URI`, which
    /// the subrequest keeps), as the login page takes it for `rd`: absolute when
    /// its host is one `rd` may name, so a login on another host leads back
    /// here; a local path otherwise. Nil when it would not pass as `rd`.
    func guardedAddress(of request: Request) -> String? {
        var address = request.originalURI
        if let host = request.headers["host"].flatMap(ReturnAddress.allowedHost),
           settings.allowedRedirectHosts.contains(host) {
            address = (request.isHTTPS ? "https://" : "http://") + host + address
        }
        return ReturnAddress.validated(address, allowedHosts: settings.allowedRedirectHosts)
    }
}
