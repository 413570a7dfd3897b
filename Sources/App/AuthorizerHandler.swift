import Encoding
import Web

/// Requests in the FastCGI Authorizer role (Apache's `mod_authnz_fcgi`,
/// lighttpd's authorizer mode): the decision of ``decide(_:_:)``, answered as
/// the specification has the web server act on it.
extension Handlers {
    /// `200` with the user and their groups as `Variable-` headers, which the
    /// web server hands to the protected site (`REMOTE_USER`,
    /// `TOTPGATE_GROUPS`), and no body; `302` to the login page with the
    /// protected URL as `rd`, never cached; `403` with the error page. The web
    /// server sends anything but a `200` to the browser as it is. A 200
    /// renews an idle-expiring cookie (``SessionMiddleware``).
    func authorize(_ request: Request, _ context: inout RequestContext) throws -> Response {
        switch decide(request, context) {
        case .allow(let session, let groups):
            if let returnTo = renewalDetour(session, request, context) { return logIn(returnTo: returnTo, request) }
            return Response(status: .ok, headers: [
                "Variable-REMOTE_USER": session.username,
                "Variable-TOTPGATE_GROUPS": groups.joined(separator: ","),
            ])
        case .logIn(let returnTo), .stepUp(let returnTo):
            // The login page sends a signed-in user on through /verify, which
            // asks for the code only when a rule wants a fresher one.
            return logIn(returnTo: returnTo, request)
        case .deny:
            throw HTTPError(.forbidden, message: "You are signed in, but this address is not open to you.")
        }
    }

    /// `302` to the login page (`login-url`, by default the mount point on the
    /// request's own host), with `rd` when there is one; never cached.
    private func logIn(returnTo: String?, _ request: Request) -> Response {
        var page = settings.loginURL ?? request.url("/")
        if let returnTo { page += (page.contains("?") ? "&" : "?") + "rd=" + PercentEncoding.encode(returnTo) }
        var response = Response(status: .found, headers: ["Location": page])
        response.forbidCaching()
        return response
    }

    /// Where to send `session`, in use, through the login page, which renews
    /// the cookie and leads straight back: for a page the browser navigates to
    /// (a GET with `Sec-Fetch-Mode: navigate`, never a script's request or a
    /// form's POST) once the session has used up half its idle time.
    ///
    /// lighttpd drops every header of an authorizer's 200 but `Variable-*`, so
    /// the cookie this 200 would renew never reaches the browser, and the
    /// session would end 30 minutes after login however busy the visitor.
    /// Apache passes the renewed cookie on (at most once a minute), so there
    /// this happens only after a break of 15 minutes.
    private func renewalDetour(_ session: Session, _ request: Request, _ context: RequestContext) -> String? {
        guard request.method == .get, request.headers["sec-fetch-mode"] == "navigate",
              context.now - session.lastSeen >= settings.lifetimes.idle / 2
        else { return nil }
        return guardedAddress(of: request)
    }
}
