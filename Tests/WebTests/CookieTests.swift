import Testing
@testable import Web

struct CookieParserTests {
    @Test(arguments: [
        ("a=1", ["a": "1"]),
        ("a=1; b=2", ["a": "1", "b": "2"]),
        ("a=1;b=2", ["a": "1", "b": "2"]),
        ("  a = 1 ;  b=2  ", ["a": "1", "b": "2"]),
        ("a=\"quoted\"", ["a": "quoted"]),
        ("a=1; a=2", ["a": "1"]),
        ("junk; a=1", ["a": "1"]),
        ("=1; a=2", ["a": "2"]),
        ("a=1; b=x y", ["a": "1"]),
        ("a=1; b=\u{E9}", ["a": "1"]),
        ("a=1; b=\\\\", ["a": "1"]),
        ("bad name=1; c=3", ["c": "3"]),
        ("", [:]),
        (";;;", [:]),
        ("a=", ["a": ""]),
        ("tok=abc.def-ghi_jkl", ["tok": "abc.def-ghi_jkl"]),
        ("a=\"", [:]),
        ("a=\"\"", ["a": ""]),
        ("\ta=1\t", ["a": "1"]),
        ("a=1;\u{301}b=2", ["a": "1"]),
        ("a=\"x\"\u{301}", [:]),
    ])
    func parsesTolerantly(_ header: String, _ expected: [String: String]) {
        #expect(CookieParser.parse(header) == expected)
    }

}

struct SetCookieTests {
    @Test func buildsTheHeaderWithEveryAttribute() {
        let cookie = SetCookie(name: "totpgate", value: "v", path: "/", domain: "example.com", maxAge: 60, secure: true)
        #expect(cookie.headerValue == "totpgate=v; Path=/; Domain=example.com; Max-Age=60; Secure; HttpOnly; SameSite=Lax")
    }

    @Test func defaultsAreHttpOnlyLaxAndNotSecure() {
        #expect(SetCookie(name: "a", value: "b").headerValue == "a=b; Path=/; HttpOnly; SameSite=Lax")
    }
}

struct CookieAttributeTests {
    @Test(arguments: [("totpgate", true), ("__Host-sid", true), ("a.b", true), ("", false), ("a b", false), ("a=b", false),
                      ("a;b", false), ("caf\u{E9}", false)])
    func names(_ name: String, _ valid: Bool) {
        #expect(SetCookie.isValidName(name) == valid)
    }

    @Test(arguments: [("/", true), ("/2fa", true), ("/a-b/c_d.e", true), ("", false), ("2fa", false), ("/a b", false),
                      ("/a;Domain=evil", false), ("/\u{7F}", false)])
    func paths(_ path: String, _ valid: Bool) {
        #expect(SetCookie.isValidPath(path) == valid)
    }

    @Test(arguments: [("example.com", true), ("auth.example.co.uk", true), ("", false), (".example.com", false),
                      ("example.com;Secure", false), ("exa mple.com", false)])
    func domains(_ domain: String, _ valid: Bool) {
        #expect(SetCookie.isValidDomain(domain) == valid)
    }
}

struct CookieLookupTests {
    @Test(arguments: ["a=1", "a=1; b=2", "  a = 1 ;  b=2  ", "a=\"quoted\"", "a=1; a=2", "junk; a=1", "=1; a=2",
                      "a=1; b=x y", "bad name=1; c=3", "", ";;;", "a=", "b=1", "a=x y; a=2", "aa=1; a=2"])
    func findsWhatParseFinds(_ header: String) {
        for name in ["a", "b", "c", "aa"] {
            #expect(CookieParser.value(of: name, in: header) == CookieParser.parse(header)[name], "\(name) in \(header)")
        }
    }

    @Test func requestLooksAcrossCookieHeadersFirstWins() {
        var headers = HTTPHeaders()
        headers.add("Cookie", "x=0")
        headers.add("cookie", "a=1")
        headers.add("Cookie", "a=2")
        let request = Request(headers: headers)
        #expect(request.cookie("a") == "1")
        #expect(request.cookie("missing") == nil)
    }
}
