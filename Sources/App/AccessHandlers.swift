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
        guard let session = context.session(at: .full) else { return unauthorized(request) }
        switch decide(for: session, host: request.headers["host"] ?? "", uri: request.originalURI, context).decision {
        case .allow:
            var response = Response(status: .ok, headers: ["X-Auth-User": session.username])
            if !context.groups.isEmpty { response.headers.add("X-Auth-Groups", context.groups.joined(separator: ",")) }
            return response
        case .stepUp:
            var response = unauthorized(request)
            response.headers.add("X-Auth-Step-Up", "1")
            return response
        case .deny:
            return Response(status: .forbidden)
        }
    }

    /// What the access rules say about `session`'s user asking for `uri` on `host`.
    func decide(for session: Session, host: String, uri: String, _ context: RequestContext) -> AccessPolicy.Verdict {
        policy.decide(host: host, uri: uri, user: session.username, groups: context.groups,
                      codeEnteredAt: session.codeEnteredAt, now: context.now)
    }

    private func unauthorized(_ request: Request) -> Response {
        var response = Response(status: .unauthorized)
        if let returnTo = guardedAddress(of: request) {
            response.headers.add("X-Auth-Return-To", PercentEncoding.encode(returnTo))
        }
        return response
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
