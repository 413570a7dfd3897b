import Testing
@testable import Web

struct RouterTests {
    static func makeRouter() -> Router<Int> {
        var router = Router<Int> { error, _ in
            Response(status: error.status, headers: ["Content-Type": "text/plain"], body: Array(error.message.utf8))
        }
        router.get("/") { _, context in Response(body: Array("home \(context)".utf8)) }
        router.post("/login") { _, _ in .redirect(to: "/home") }
        router.get("/fail") { _, _ in throw HTTPError(.forbidden, message: "nope") }
        router.get("/boom") { _, _ in
            struct Boom: Error {}
            throw Boom()
        }
        return router
    }

    @Test(arguments: [
        (HTTPMethod.get, "/", 200), (.post, "/login", 303), (.get, "/missing", 404), (.get, "", 404),
        (.post, "/", 405), (.get, "/login", 405), (.head, "/", 200), (.get, "/fail", 403), (.get, "/boom", 500),
        (HTTPMethod(rawValue: "DELETE"), "/", 405), (.get, "/LOGIN", 404),
    ])
    func routesByMethodAndPath(_ method: HTTPMethod, _ path: String, _ status: Int) {
        let response = Self.makeRouter().respond(to: Request(method: method, path: path), context: 7)
        #expect(response.status.code == status)
    }

    @Test func passesTheContext() {
        let response = Self.makeRouter().respond(to: Request(path: "/"), context: 42)
        #expect(response.body == Array("home 42".utf8))
    }

    @Test func headIsGetWithoutABody() {
        let router = Self.makeRouter()
        let get = router.respond(to: Request(method: .get, path: "/"), context: 1)
        let head = router.respond(to: Request(method: .head, path: "/"), context: 1)
        #expect(head.status == get.status)
        #expect(head.body.isEmpty)
        #expect(head.headers["Content-Length"] == String(get.body.count))
    }

    @Test func methodNotAllowedListsAllowedMethods() {
        let response = Self.makeRouter().respond(to: Request(method: .post, path: "/"), context: 1)
        #expect(response.headers["Allow"] == "GET, HEAD")
    }

    @Test func unexpectedErrorsAreReportedButNotShown() {
        var reported: [String] = []
        let response = Self.makeRouter().respond(to: Request(path: "/boom"), context: 1) { reported.append("\($0)") }
        #expect(response.status == .internalServerError)
        #expect(reported == ["Boom()"])
        #expect(!String(decoding: response.body, as: UTF8.self).contains("Boom"))
    }

    @Test(arguments: ["/", "/missing", "/fail", "/boom"])
    func everyAnswerCarriesSecurityHeaders(_ path: String) {
        let response = Self.makeRouter().respond(to: Request(path: path), context: 1)
        #expect(response.headers["Content-Security-Policy"] == SecurityHeaders().contentSecurityPolicy)
        #expect(response.headers["X-Frame-Options"] == "DENY")
        #expect(response.headers["Referrer-Policy"] == "no-referrer")
    }

    static func makeRouterWithAnyMethodRoute() -> Router<Int> {
        var router = Router<Int> { error, _ in Response(status: error.status) }
        router.any("/auth") { request, _ in Response(status: .ok, headers: ["X-Method": request.method.rawValue], body: [1]) }
        router.post("/both") { _, _ in Response(status: .seeOther) }
        router.any("/both") { _, _ in Response(status: .ok) }
        return router
    }

    @Test(arguments: ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])
    func anAnyMethodRouteAnswersEveryMethod(_ method: String) {
        let response = Self.makeRouterWithAnyMethodRoute().respond(to: Request(method: HTTPMethod(rawValue: method), path: "/auth"), context: 0)
        #expect(response.status == .ok)
        #expect(response.headers["X-Method"] == method)
    }

    @Test func headOnAnAnyMethodRouteHasNoBody() {
        let response = Self.makeRouterWithAnyMethodRoute().respond(to: Request(method: .head, path: "/auth"), context: 0)
        #expect(response.status == .ok)
        #expect(response.headers["X-Method"] == "HEAD")
        #expect(response.body.isEmpty)
    }

    @Test(arguments: [("POST", 303), ("GET", 200), ("DELETE", 200)])
    func aMethodsOwnRouteComesBeforeTheAnyMethodOne(_ method: String, _ status: Int) {
        let response = Self.makeRouterWithAnyMethodRoute().respond(to: Request(method: HTTPMethod(rawValue: method), path: "/both"), context: 0)
        #expect(response.status.code == status)
    }

    @Test func securityHeadersAreTheRoutersOwn() {
        let router = Router<Int>(securityHeaders: SecurityHeaders(formTargets: ["app.example.com"])) { error, _ in Response(status: error.status) }
        let policy = router.respond(to: Request(path: "/missing"), context: 0).headers["Content-Security-Policy"]
        #expect(policy == SecurityHeaders(formTargets: ["app.example.com"]).contentSecurityPolicy)
    }

    static func makeRouterWithAuthorizer(_ status: HTTPStatus) -> Router<Int> {
        var router = Self.makeRouter()
        router.authorize { request, _ in Response(status: status, headers: ["X-Judged": request.originalURI]) }
        return router
    }

    /// An authorizer request is for another site: its path is never one of this site's routes.
    @Test(arguments: [(HTTPMethod.get, "/"), (.post, "/login"), (.get, "/fail"), (.get, "/missing"), (.head, ""),
                      (HTTPMethod(rawValue: "PROPFIND"), "/app/x")])
    func everyAuthorizerRequestGoesToTheAuthorizer(_ method: HTTPMethod, _ path: String) {
        let request = Request(method: method, path: path, originalURI: "/app/x?y", role: .authorizer)
        let response = Self.makeRouterWithAuthorizer(.ok).respond(to: request, context: 0)
        #expect(response.status == .ok)
        #expect(response.headers["X-Judged"] == "/app/x?y")
    }

    @Test func withoutAnAuthorizerNoAuthorizerRequestReachesARoute() {
        #expect(Self.makeRouter().respond(to: Request(path: "/", role: .authorizer), context: 0).status == .notFound)
    }

    @Test func responderRequestsStillGoToTheirRoutes() {
        let response = Self.makeRouterWithAuthorizer(.ok).respond(to: Request(path: "/"), context: 3)
        #expect(response.body == Array("home 3".utf8))
        #expect(response.headers["X-Judged"] == nil)
    }

    /// The web server adds the headers of an authorizer's 200 to the protected
    /// site's answer (Apache does), so none of this site's may be among them;
    /// what it sends to the browser instead (a redirect, a refusal) carries them.
    @Test(arguments: [(HTTPStatus.ok, false), (.found, true), (.forbidden, true)])
    func securityHeadersOnlyWhereTheBrowserSeesTheAnswer(_ status: HTTPStatus, _ expected: Bool) {
        let response = Self.makeRouterWithAuthorizer(status).respond(to: Request(path: "/x", role: .authorizer), context: 0)
        for name in ["Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options", "Cache-Control"] {
            #expect((response.headers[name] != nil) == expected, "\(name)")
        }
    }

    @Test func handlersMayForbidCaching() {
        var router = Router<Int> { error, _ in Response(status: error.status) }
        router.get("/secret") { _, _ in
            var response = Response(body: Array("secret".utf8))
            response.forbidCaching()
            return response
        }
        #expect(router.respond(to: Request(path: "/secret"), context: 0).headers["Cache-Control"] == "no-store")
    }
}
