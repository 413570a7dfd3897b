import Testing
@testable import Web

struct ReturnAddressTests {
    @Test(arguments: ["/", "/home", "/app/page?x=1&y=2", "/a#frag", "/%2F%2Fevil.com"])
    func acceptsLocalPaths(_ path: String) {
        #expect(ReturnAddress.validated(path) == path)
    }

    @Test(arguments: [
        "//evil.com", "///evil.com", "https://evil.com/", "http://evil.com", "javascript:alert(1)", "evil.com",
        "/\\evil.com", "\\\\evil.com", "/a\tb", "/a\nLocation: x", "/a\rb", "/a b", "/caf\u{E9}", "/\u{7F}",
        "", " /home", "data:text/html,x", "/" + String(repeating: "a", count: 2000),
    ])
    func refusesEverythingElse(_ candidate: String) {
        #expect(ReturnAddress.validated(candidate) == nil)
    }

    @Test func acceptsTheLongestAllowedPath() {
        let path = "/" + String(repeating: "a", count: 1999)
        #expect(ReturnAddress.validated(path) == path)
    }

    @Test(arguments: [
        ("https://app.example.com/x", "https://app.example.com/x"),
        ("http://app.example.com:8080/", nil),  // plain HTTP only for a login over plain HTTP
        ("HTTPS://APP.EXAMPLE.COM/y", "HTTPS://APP.EXAMPLE.COM/y"),
        ("https://evil.com/", nil),
        ("https://app.example.com@evil.com/", nil),
        ("https://app.example.com.evil.com/", nil),
        ("ftp://app.example.com/", nil),
    ] as [(String, String?)])
    func acceptsOnlyAllowedHosts(_ candidate: String, _ expected: String?) {
        let allowed: Set = ["app.example.com", "app.example.com:8080"]
        #expect(ReturnAddress.validated(candidate, allowedHosts: allowed) == expected)
    }

    /// A login over plain HTTP may lead back over plain HTTP; one over HTTPS may not.
    @Test(arguments: [(true, "http://app.example.com/x", "http://app.example.com/x"), (false, "http://app.example.com/x", nil),
                      (true, "https://app.example.com/x", "https://app.example.com/x"), (true, "http://evil.com/", nil)]
          as [(Bool, String, String?)])
    func plainHTTPOnlyForAPlainHTTPLogin(_ plainHTTP: Bool, _ candidate: String, _ expected: String?) {
        #expect(ReturnAddress.validated(candidate, allowedHosts: ["app.example.com"], plainHTTP: plainHTTP) == expected)
    }

    @Test(arguments: [
        ("app.example.com", "app.example.com"), ("App.Example.COM", "app.example.com"),
        ("app.example.com:8443", "app.example.com:8443"), ("localhost", "localhost"), ("a-b.c1.example", "a-b.c1.example"),
        ("", nil), ("app.example.com:", nil), ("app.example.com:0", nil), ("app.example.com:65536", nil),
        ("app.example.com:+80", nil), ("app.example.com:080", nil), ("app..example.com", nil), (".example.com", nil),
        ("-app.example.com", nil), ("app_1.example.com", nil), ("*.example.com", nil), ("app.example.com/", nil),
        ("https://app.example.com", nil), ("user@app.example.com", nil), ("app.example.com; script-src *", nil),
        ("caf\u{E9}.example", nil), ("[::1]:8080", nil),
    ] as [(String, String?)])
    func allowedHostsAreDNSNamesWithAnOptionalPort(_ text: String, _ expected: String?) {
        #expect(ReturnAddress.allowedHost(text) == expected)
    }
}
