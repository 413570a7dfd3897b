import Encoding
import Web

/// `/auth` and `/denied`: the access rules applied for nginx, and the page it
/// shows the user a rule refused.
extension Handlers {
    /// `/auth`, for nginx `auth_request`: the access rules' answer on the
    /// guarded request (its host, and its `REQUEST_URI`, which the subrequest
    /// keeps). 200 with `X-Auth-User` and `X-Auth-Groups` when they let the
    /// session's user through; 401 for no session, or one whose last code is
    /// older than a rule's `fresh=` (then `X-Auth-Step-Up: 1`), naming in
    /// `X-Auth-Return-To` where the login should lead back to; 403 when they
    /// refuse. Never a body; any method gets the same answer, since the
    /// subrequest keeps the guarded request's method. A 200 renews an
    /// idle-expiring cookie (``SessionMiddleware``).
    func auth(_ request: Request, _ context: inout RequestContext) throws -> Response {
        switch decide(request, context) {
        case .allow(let session, let groups):
            var response = Response(status: .ok, headers: ["X-Auth-User": session.username])
            if !groups.isEmpty { response.headers.add("X-Auth-Groups", groups.joined(separator: ",")) }
            return response
        case .logIn(let returnTo):
            return unauthorized(returnTo: returnTo)
        case .stepUp(let returnTo):
            var response = unauthorized(returnTo: returnTo)
            response.headers.add("X-Auth-Step-Up", "1")
            return response
        case .deny:
            return Response(status: .forbidden)
        }
    }

    private func unauthorized(returnTo: String?) -> Response {
        var response = Response(status: .unauthorized)
        if let returnTo { response.headers.add("X-Auth-Return-To", PercentEncoding.encode(returnTo)) }
        return response
    }

    /// `GET /denied`: the page nginx shows (`error_page 403`) when a rule
    /// refuses the signed-in user: who they are, and a way to sign in as
    /// someone else and come back. Answered `403`, as nginx keeps anyway.
    func deniedPage(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let session = try context.session ?? Session.anonymous(now: context.now)
        let user = session.user(at: .full)
        return try show(Page("denied", title: "Not allowed", status: .forbidden, [
            "username": user?.name ?? false,
            "rd": guardedAddress(of: request) ?? "",
        ]), to: session, request, &context)
    }
}
