import Accounts
import Encoding
import Web

/// `/logout` and `/auth`: ending a session, and judging one for nginx.
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
        return signedOut(request, &context)
    }

    /// `/auth`, for nginx `auth_request`: ``decide(_:_:)`` as headers, never
    /// a body. `200` with `X-Auth-User`; `401` for a visitor who must log in,
    /// naming in `X-Auth-Return-To` where the login should lead back to;
    /// `403` when refused. Any method gets the same answer, since the
    /// subrequest keeps the guarded request's method. A 200 renews an
    /// idle-expiring cookie (``SessionMiddleware``).
    func auth(_ request: Request, _ context: inout RequestContext) throws -> Response {
        switch decide(request, context) {
        case .allow(let session, _):
            return Response(status: .ok, headers: ["X-Auth-User": session.username])
        case .logIn(let returnTo):
            var response = Response(status: .unauthorized)
            if let returnTo { response.headers.add("X-Auth-Return-To", PercentEncoding.encode(returnTo)) }
            return response
        case .deny:
            return Response(status: .forbidden)
        }
    }
}
