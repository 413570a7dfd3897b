/// Headers every page of totpgate carries.
public enum SecurityHeaders {
    /// Same-origin resources only: no inline script or style, no framing, forms post home.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let fields: [(String, String)] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
    ]

    /// Adds the security headers a handler has not set itself.
    public static func apply(to response: inout Response) {
        for (name, value) in fields { response.headers.addIfAbsent(name, value) }
        response.headers.addIfAbsent("Cache-Control", "no-cache")
    }
}
