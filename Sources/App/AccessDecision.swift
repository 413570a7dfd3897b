import SharedCounters
import Web

/// What the gate says about a request for a protected site: the one decision
/// behind nginx's `/auth` and the FastCGI authorizer, so that every web server
/// guards alike.
enum AccessDecision: Equatable {
    /// It may go on; the site learns who asks, and their groups.
    case allow(Session, groups: [String])
    /// The visitor must log in first, then come back to `returnTo` (nil when
    /// the protected address could not be an `rd`).
    case logIn(returnTo: String?)
    /// The user must enter a code again (a rule's `fresh=`), then come back.
    case stepUp(returnTo: String?)
    /// Refused: the user may not reach this address.
    case deny

    /// How `totpgate_auth_requests_total` labels it.
    var result: SharedMetrics.AuthResult {
        switch self {
        case .allow: .allow
        case .logIn: .anonymous
        case .stepUp: .stepUp
        case .deny: .deny
        }
    }
}

extension Handlers {
    /// The decision for `request`, which describes a request for a protected
    /// site: its `Host` and `originalURI` are that request's. The session and
    /// its standing (logout, revocation, the store outage rule) are in
    /// `context` already (``SessionMiddleware``). Each decision counts for `/metrics`.
    func decide(_ request: Request, _ context: RequestContext) -> AccessDecision {
        let decision = judge(request, context)
        metrics.count(decision.result)
        return decision
    }

    private func judge(_ request: Request, _ context: RequestContext) -> AccessDecision {
        guard let session = context.session(at: .full) else {
            return .logIn(returnTo: guardedAddress(of: request))
        }
        switch decide(for: session, host: request.headers["host"] ?? "", uri: request.originalURI, context).decision {
        case .allow: return .allow(session, groups: context.groups)
        case .stepUp: return .stepUp(returnTo: guardedAddress(of: request))
        case .deny: return .deny
        }
    }

    /// What the access rules say about `session`'s user asking for `uri` on
    /// `host` (also what `/verify` asks about its `rd`).
    func decide(for session: Session, host: String, uri: String, _ context: RequestContext) -> AccessPolicy.Verdict {
        policy.decide(host: host, uri: uri, user: session.username, groups: context.groups,
                      codeEnteredAt: session.codeEnteredAt, now: context.now)
    }

    /// The URL of the guarded request (`REQUEST_URI`, which an nginx
    /// subrequest keeps and a FastCGI authorizer request carries), as the
    /// login page takes it for `rd`: absolute when its host is one `rd` may
    /// name, so a login on another host leads back here; a local path
    /// otherwise. Nil when it would not pass as `rd`.
    func guardedAddress(of request: Request) -> String? {
        var address = request.originalURI
        if let host = request.headers["host"].flatMap(ReturnAddress.allowedHost),
           settings.allowedRedirectHosts.contains(host) {
            address = (request.isHTTPS ? "https://" : "http://") + host + address
        }
        return ReturnAddress.validated(address, allowedHosts: settings.allowedRedirectHosts, plainHTTP: !request.isHTTPS)
    }
}
