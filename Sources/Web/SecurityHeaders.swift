/// The headers every answer of totpgate carries, error pages included: a
/// step around the routes.
public struct SecurityHeaders<Context>: Middleware {
    /// Hosts besides this one that a form here may lead to, in the policy's order.
    public let formTargets: [String]

    /// Headers whose CSP lets forms lead to this site and to `formTargets`:
    /// hosts (`app.example.com`, `app.example.com:8443`) in the form
    /// ``ReturnAddress/allowedHost(_:)`` gives them.
    ///
    /// Browsers apply `form-action` to the redirects that follow a form POST as
    /// well, so the login form's `303` to a return address on another host needs
    /// that host listed; a scheme-less host source matches the page's own scheme
    /// and its upgrade to HTTPS, never a downgrade.
    public init(formTargets: Set<String> = []) {
        self.formTargets = formTargets.sorted()
        let formAction = (["'self'"] + self.formTargets).joined(separator: " ")
        contentSecurityPolicy =
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action \(formAction); frame-ancestors 'none'; base-uri 'none'"
    }

    /// Same-origin resources only: no inline script or style, no framing,
    /// forms post home (or on to an allowed return host). Made once: every answer carries it.
    public let contentSecurityPolicy: String

    public func handle(_ request: Request, context: inout Context, next: (Request, inout Context) -> Response) -> Response {
        var response = next(request, &context)
        // An authorizer's 200 is not what the client sees: the web server goes
        // on to the protected site, and Apache adds the headers of that 200 to
        // the site's answer, where this CSP would break the site.
        if request.role == .authorizer, response.status == .ok { return response }
        apply(to: &response)
        return response
    }

    /// Adds the security headers a handler has not set itself.
    public func apply(to response: inout Response) {
        let fields = [
            ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-cache"),
        ]
        for (name, value) in fields { response.headers.addIfAbsent(name, value) }
    }
}
