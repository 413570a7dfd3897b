import Accounts
import OTP
import Web

/// `/logout` and `/auth`: ending a session, and judging one for nginx.
extension Handlers {
    /// `GET` or `POST /logout`: ends the session for real (a copy of the
    /// cookie stops working), clears the cookie and goes to the start.
    func logout(_ request: Request, _ context: RequestContext, form: FormFields?) throws -> Response {
        // HEAD is answered like GET but must change nothing (link checkers, prefetchers).
        guard request.method != .head else { return .redirect(to: request.url("/")) }
        let session = try session(of: request, context)
        if let form { try CSRF.verify(form, session: session) }
        if let session, let user = AuthenticatedUser(session) {
            let expiresAt = session.issuedAt + settings.lifetimes.absoluteLimit(for: session.stage)
            try context.accounts.logout(user, sessionID: session.id, expiresAt: expiresAt, now: context.now)
            revocations.recordLogout(session.id)
        }
        var response = Response.redirect(to: request.url("/"))
        cookie.clear(in: &response, for: request)
        return response
    }

    /// `/auth`, for nginx `auth_request`: ``decide(_:_:)`` as headers, never
    /// a body. `200` with `X-Auth-User`, renewing an idle-expiring cookie
    /// through `Set-Cookie`; `401` for a visitor who must log in, naming in
    /// `X-Auth-Return-To` where the login should lead back to; `403` when
    /// refused. Any method gets the same answer, since the subrequest keeps
    /// the guarded request's method.
    func auth(_ request: Request, _ context: RequestContext) throws -> Response {
        switch try decide(request, context) {
        case .allow(let session, _):
            return try renewing(session, in: Response(status: .ok, headers: ["X-Auth-User": session.username]), request, context)
        case .logIn(let returnTo):
            var response = Response(status: .unauthorized)
            if let returnTo { response.headers.add("X-Auth-Return-To", PercentEncoding.encode(returnTo)) }
            return response
        case .deny:
            return Response(status: .forbidden)
        }
    }
}
