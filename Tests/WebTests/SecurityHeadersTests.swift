import Testing
@testable import Web

struct SecurityHeadersTests {
    @Test func formsPostHomeByDefault() {
        #expect(SecurityHeaders<Void>().contentSecurityPolicy
            == "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    }

    /// Browsers hold the redirect after a form POST to `form-action`: a login
    /// leading back to an allowed host needs that host listed.
    @Test func formsMayLeadToTheAllowedHostsInAStableOrder() {
        let headers = SecurityHeaders<Void>(formTargets: ["b.example.com", "a.example.com:8443"])
        #expect(headers.contentSecurityPolicy.contains("; form-action 'self' a.example.com:8443 b.example.com; "))
    }

    @Test func aHandlersOwnHeadersAreKept() {
        var response = Response(headers: ["Cache-Control": "no-store", "X-Frame-Options": "SAMEORIGIN"])
        SecurityHeaders<Void>().apply(to: &response)
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["X-Frame-Options"] == "SAMEORIGIN")
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        #expect(response.headers.values("Cache-Control").count == 1)
    }
}
