import Testing
import Web
@testable import FastCGI

struct RequestMappingTests {
    /// What nginx sends with Debian's stock `fastcgi_params` for `GET /login?x=1`.
    static func nginxParameters(uri: String, documentURI: String? = nil, method: String = "GET") -> [(name: String, value: String)] {
        let path = String(uri.prefix { $0 != "?" })
        let query = uri.contains("?") ? String(uri.split(separator: "?", maxSplits: 1)[1]) : ""
        return [
            ("QUERY_STRING", query), ("REQUEST_METHOD", method), ("CONTENT_TYPE", ""), ("CONTENT_LENGTH", ""),
            ("SCRIPT_NAME", documentURI ?? path), ("REQUEST_URI", uri), ("DOCUMENT_URI", documentURI ?? path),
            ("DOCUMENT_ROOT", "/usr/share/nginx/html"), ("SERVER_PROTOCOL", "HTTP/1.1"), ("REQUEST_SCHEME", "http"),
            ("GATEWAY_INTERFACE", "CGI/1.1"), ("SERVER_SOFTWARE", "nginx"), ("REMOTE_ADDR", "127.0.0.1"),
            ("REMOTE_PORT", "51234"), ("SERVER_ADDR", "127.0.0.1"), ("SERVER_PORT", "8080"), ("SERVER_NAME", "localhost"),
            ("REDIRECT_STATUS", "200"), ("HTTP_HOST", "127.0.0.1:8080"), ("HTTP_USER_AGENT", "curl/7.88"),
            ("HTTP_COOKIE", "totpgate=abc"), ("HTTP_X_FORWARDED_FOR", "10.0.0.1"),
        ]
    }

    @Test(arguments: [
        ("", "/login?x=1", "/login", "x=1", ""),
        ("", "/", "/", "", ""),
        ("/2fa", "/2fa/login", "/login", "", "/2fa"),
        ("/2fa/", "/2fa/home?a=b", "/home", "a=b", "/2fa"),
        ("/2fa", "/2fa", "/", "", "/2fa"),
        ("/2fa", "/2fa/", "/", "", "/2fa"),
        ("/2fa", "/home", "", "", "/2fa"),
        ("/2fa", "/2faX/login", "", "", "/2fa"),
    ])
    func mapsNginxStockParameters(_ base: String, _ uri: String, _ path: String, _ query: String, _ mount: String) {
        let request = RequestMapping(basePath: base).request(parameters: Self.nginxParameters(uri: uri), body: [])
        #expect(request.path == path)
        #expect(request.query == query)
        #expect(request.basePath == mount)
        #expect(request.method == .get)
        #expect(request.originalURI == uri)
    }

    @Test func insideAnAuthRequestSubrequestThePathIsTheSubrequests() {
        let parameters = Self.nginxParameters(uri: "/private/report.pdf?v=2", documentURI: "/2fa/auth")
        let request = RequestMapping(basePath: "/2fa").request(parameters: parameters, body: [])
        #expect(request.path == "/auth")
        #expect(request.originalURI == "/private/report.pdf?v=2")
    }

    @Test func mapsHeadersCookiesAndClient() {
        let request = RequestMapping(basePath: "").request(parameters: Self.nginxParameters(uri: "/"), body: [])
        #expect(request.headers["Host"] == "127.0.0.1:8080")
        #expect(request.headers["user-agent"] == "curl/7.88")
        #expect(request.headers["X-Forwarded-For"] == "10.0.0.1")
        #expect(request.headers["content-type"] == nil)
        #expect(request.cookie("totpgate") == "abc")
        #expect(request.clientAddress == "127.0.0.1")
        #expect(!request.isHTTPS)
    }

    @Test(arguments: [("HTTPS", "on", true), ("HTTPS", "ON", true), ("HTTPS", "1", true), ("HTTPS", "off", false),
                      ("REQUEST_SCHEME", "https", true), ("REQUEST_SCHEME", "http", false)])
    func detectsHTTPS(_ name: String, _ value: String, _ https: Bool) {
        let request = RequestMapping(basePath: "").request(parameters: [(name, value), ("REQUEST_URI", "/")], body: [])
        #expect(request.isHTTPS == https)
    }

    @Test func apacheProxyFCGIWithoutDocumentURI() {
        // mod_proxy_fcgi: SCRIPT_NAME is the whole path, no DOCUMENT_URI, no PATH_INFO.
        let parameters: [(name: String, value: String)] = [
            ("REQUEST_METHOD", "POST"), ("SCRIPT_NAME", "/2fa/login"), ("REQUEST_URI", "/2fa/login"),
            ("CONTENT_TYPE", "application/x-www-form-urlencoded"), ("CONTENT_LENGTH", "3"), ("QUERY_STRING", ""),
        ]
        let request = RequestMapping(basePath: "/2fa").request(parameters: parameters, body: Array("a=1".utf8))
        #expect(request.path == "/login")
        #expect(request.method == .post)
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(request.body == Array("a=1".utf8))
    }

    @Test func aSplitPathMountsTheAppAtTheScriptName() {
        let parameters: [(name: String, value: String)] = [
            ("REQUEST_METHOD", "GET"), ("SCRIPT_NAME", "/2fa"), ("PATH_INFO", "/home"), ("REQUEST_URI", "/2fa/home"),
        ]
        let request = RequestMapping(basePath: "").request(parameters: parameters, body: [])
        #expect(request.path == "/home")
        #expect(request.basePath == "/2fa")
        #expect(request.url("/login") == "/2fa/login")
    }

    @Test(arguments: [
        ("HTTP_COOKIE=a=1; b=2", ("HTTP_COOKIE", "a=1; b=2")), ("QUERY_STRING=", ("QUERY_STRING", "")),
        ("=x", ("", "x")), ("REQUEST_URI", nil),
    ] as [(String, (String, String)?)])
    func splitsAnEntryAtItsFirstEqualsSign(_ entry: String, _ expected: (String, String)?) {
        let parameter = RequestMapping.parameter(fromEntry: Array(entry.utf8))
        #expect(parameter?.name == expected?.0)
        #expect(parameter?.value == expected?.1)
    }

    /// Found by fuzzing (fuzz/Corpus/fastcgi/combining-mark-after-question-mark):
    /// the query began after the Character holding the `?`, so a combining mark
    /// following it was dropped, turning `?\u{301}rd=` into `?rd=`.
    @Test func aCombiningMarkAfterTheQuestionMarkStaysInTheQuery() {
        let request = RequestMapping(basePath: "").request(parameters: [("REQUEST_URI", "/home?\u{301}rd=x")], body: [])
        #expect(request.path == "/home")
        #expect(request.query == "\u{301}rd=x")
    }

    /// Found by fuzzing (fuzz/Corpus/fastcgi/script-name-no-local-path): any
    /// `SCRIPT_NAME` became the mount point, which starts every redirect and
    /// form action, so `//evil.example` sent them to another host.
    @Test(arguments: ["//evil.example", "/\\evil.example", "evil", "/a b"])
    func aScriptNameThatIsNoLocalPathMountsNothing(_ scriptName: String) {
        let parameters: [(name: String, value: String)] = [("SCRIPT_NAME", scriptName), ("PATH_INFO", "/home")]
        let request = RequestMapping(basePath: "").request(parameters: parameters, body: [])
        #expect(request.basePath == "")
        #expect(request.url("/home") == "/home")
        #expect(request.path != "/home")
    }

    /// Found by fuzzing (fuzz/Corpus/fastcgi/path-without-slash): a path not
    /// starting with `/` was handed on as the request's path.
    @Test(arguments: [("PATH_INFO", "("), ("DOCUMENT_URI", "home"), ("REQUEST_URI", "home?x=1")])
    func aPathWithoutALeadingSlashMatchesNoRoute(_ name: String, _ value: String) {
        #expect(RequestMapping(basePath: "").request(parameters: [(name, value)], body: []).path == "")
    }

    @Test func withOnlyARequestURIItsPathIsUsed() {
        let request = RequestMapping(basePath: "").request(parameters: [("REQUEST_URI", "/home?x=1")], body: [])
        #expect(request.path == "/home")
        #expect(request.query == "x=1")
    }

    /// The examples send `fastcgi_param HTTP_HOST` with the port after Debian's
    /// `fastcgi_params`, whose HTTP_HOST is `$host`, without it: nginx sends both.
    @Test func aRepeatedHeaderParameterCountsWithItsLastValue() {
        let parameters = Self.nginxParameters(uri: "/auth") + [("HTTP_HOST", "app.example.com:8443")]
        let request = RequestMapping(basePath: "").request(parameters: parameters, body: [])
        #expect(request.headers.values("host") == ["app.example.com:8443"])
        #expect(request.headers["cookie"] == "totpgate=abc")
    }

    /// The role comes from the begin record, never from a parameter a web
    /// server or client could add; a filter is no role of totpgate's.
    @Test(arguments: [(RequestFraming.Role.responder, Request.Role.responder as Request.Role?), (.authorizer, .authorizer), (.filter, nil)])
    func rolesOfTheBeginRecord(_ framed: RequestFraming.Role, _ role: Request.Role?) {
        #expect(framed.request == role)
    }

    /// Apache's `mod_authnz_fcgi` sends no SCRIPT_NAME, PATH_INFO or
    /// CONTENT_LENGTH; REQUEST_URI and HTTP_HOST are the protected request's.
    @Test func anAuthorizerRequestKeepsTheProtectedAddress() {
        let parameters: [(name: String, value: String)] = [
            ("FCGI_ROLE", "AUTHORIZER"), ("HTTP_HOST", "app.example.com:8443"), ("HTTP_COOKIE", "totpgate=abc"),
            ("REQUEST_SCHEME", "https"), ("REQUEST_METHOD", "POST"), ("QUERY_STRING", "a=1"), ("REQUEST_URI", "/private/x?a=1"),
            ("FCGI_APACHE_ROLE", "AUTHENTICATOR"), ("FCGI_ROLE", "AUTHORIZER"),
        ]
        let request = RequestMapping(basePath: "/2fa").request(parameters: parameters, body: [], role: .authorizer)
        #expect(request.role == .authorizer)
        #expect(request.originalURI == "/private/x?a=1")
        #expect(request.headers["host"] == "app.example.com:8443")
        #expect(request.isHTTPS && request.method == .post && request.basePath == "/2fa")
    }
}
