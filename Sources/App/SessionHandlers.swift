import Accounts
import Web

/// `/home`, `/logout` and `/auth`: what a signed-in session can do.
extension Handlers {
    /// `GET /home`: the welcome page of a fully logged-in session.
    func home(_ request: Request, _ context: RequestContext) throws -> Response {
        guard let session = try session(of: request, context, at: .full) else { return .redirect(to: request.url("/")) }
        return try page("home", title: "Home", session: session, request, context, ["username": session.username])
    }

    /// `GET` or `POST /logout`: ends the session for real (a copy of the
    /// cookie stops working), clears the cookie and goes to the start.
    func logout(_ request: Request, _ context: RequestContext, form: FormFields?) throws -> Response {
        let session = try session(of: request, context)
        if let form { try CSRF.verify(form, session: session) }
        if let session, let user = AuthenticatedUser(session) {
            let expiresAt = session.issuedAt + settings.lifetimes.absoluteLimit(for: session.stage)
            try context.accounts.logout(user, sessionID: session.id, expiresAt: expiresAt, now: context.now)
            revocations.forget(session.id)
        }
        var response = Response.redirect(to: request.url("/"))
        cookie.clear(in: &response, for: request)
        return response
    }

    /// `GET /auth`, for nginx `auth_request`: 200 with `X-Auth-User` for a
    /// fully logged-in session, 401 otherwise; never a body. Renews an
    /// idle-expiring cookie through `Set-Cookie`.
    func auth(_ request: Request, _ context: RequestContext) throws -> Response {
        guard let session = try session(of: request, context, at: .full) else {
            return Response(status: .unauthorized)
        }
        var response = Response(status: .ok, headers: ["X-Auth-User": session.username])
        if cookie.codec.needsRenewal(session, now: context.now) {
            try cookie.store(session, in: &response, for: request, now: context.now)
        }
        return response
    }
}
