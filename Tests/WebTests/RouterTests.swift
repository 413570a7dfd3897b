import Synchronization
import Testing
@testable import Web

struct RouterTests {
    static func makeRouter(reporting report: @escaping Router<Int>.ErrorReport = { _, _ in }) -> Router<Int> {
        var router = Router<Int>(errorPage: { error, _ in
            Response(status: error.status, headers: ["Content-Type": "text/plain"], body: Array(error.message.utf8))
        }, reportUnexpected: report)
        router.add(SecurityHeaders())
        router.get("/") { _, context in Response(body: Array("home \(context)".utf8)) }
        router.post("/login") { _, _ in .redirect(to: "/home") }
        router.get("/fail") { _, _ in throw HTTPError(.forbidden, message: "nope") }
        router.get("/broken") { _, _ in throw HTTPError(.internalServerError, message: "Something went wrong.") }
        router.get("/boom") { _, _ in
            struct Boom: Error {}
            throw Boom()
        }
        return router
    }

    /// `router`'s answer to `request` with `context`.
    static func respond<Context>(_ router: Router<Context>, _ request: Request, context: Context) -> Response {
        var context = context
        return router.respond(to: request, context: &context)
    }

    @Test(arguments: [
        (HTTPMethod.get, "/", 200), (.post, "/login", 303), (.get, "/missing", 404), (.get, "", 404),
        (.post, "/", 405), (.get, "/login", 405), (.head, "/", 200), (.get, "/fail", 403), (.get, "/boom", 500),
        (HTTPMethod(rawValue: "DELETE"), "/", 405), (.get, "/LOGIN", 404),
    ])
    func routesByMethodAndPath(_ method: HTTPMethod, _ path: String, _ status: Int) {
        let response = Self.respond(Self.makeRouter(), Request(method: method, path: path), context: 7)
        #expect(response.status.code == status)
    }

    @Test func passesTheContext() {
        let response = Self.respond(Self.makeRouter(), Request(path: "/"), context: 42)
        #expect(response.body == Array("home 42".utf8))
    }

    @Test func headIsGetWithoutABody() {
        let router = Self.makeRouter()
        let get = Self.respond(router, Request(method: .get, path: "/"), context: 1)
        let head = Self.respond(router, Request(method: .head, path: "/"), context: 1)
        #expect(head.status == get.status)
        #expect(head.body.isEmpty)
        #expect(head.headers["Content-Length"] == String(get.body.count))
    }

    @Test func methodNotAllowedListsAllowedMethods() {
        let response = Self.respond(Self.makeRouter(), Request(method: .post, path: "/"), context: 1)
        #expect(response.headers["Allow"] == "GET, HEAD")
    }

    @Test func unexpectedErrorsAreReportedButNotShown() {
        let reported = Mutex<[String]>([])
        let router = Self.makeRouter { error, request in reported.withLock { $0.append("\(error) at \(request.path)") } }
        let response = Self.respond(router, Request(path: "/boom"), context: 1)
        #expect(response.status == .internalServerError)
        #expect(reported.withLock { $0 } == ["Boom() at /boom"])
        #expect(!String(decoding: response.body, as: UTF8.self).contains("Boom"))
    }

    /// An error that knows its page is shown as it says; when it says 500, the log hears of it too.
    @Test(arguments: [("/fail", false), ("/missing", false), ("/broken", true)])
    func answeredErrorsAreReportedWhenTheyAre500(_ path: String, _ reported: Bool) {
        let reports = Mutex<[String]>([])
        let router = Self.makeRouter { _, request in reports.withLock { $0.append(request.path) } }
        _ = Self.respond(router, Request(path: path), context: 1)
        #expect(reports.withLock { $0 } == (reported ? [path] : []))
    }

    @Test(arguments: ["/", "/missing", "/fail", "/boom"])
    func everyAnswerCarriesSecurityHeaders(_ path: String) {
        let response = Self.respond(Self.makeRouter(), Request(path: path), context: 1)
        #expect(response.headers["Content-Security-Policy"] == SecurityHeaders<Int>().contentSecurityPolicy)
        #expect(response.headers["X-Frame-Options"] == "DENY")
        #expect(response.headers["Referrer-Policy"] == "no-referrer")
    }

    @Test func aRequestRefusedBeforeRoutingGetsItsPageThroughTheMiddleware() {
        var context = 0
        let response = Self.makeRouter().respond(to: HTTPError(.contentTooLarge), for: Request(path: "/login"), context: &context)
        #expect(response.status == .contentTooLarge)
        #expect(response.headers["X-Frame-Options"] == "DENY")
    }

    static func makeRouterWithAnyMethodRoute() -> Router<Int> {
        var router = Router<Int>(errorPage: { error, _ in Response(status: error.status) })
        router.any("/auth") { request, _ in Response(status: .ok, headers: ["X-Method": request.method.rawValue], body: [1]) }
        router.post("/both") { _, _ in Response(status: .seeOther) }
        router.any("/both") { _, _ in Response(status: .ok) }
        return router
    }

    @Test(arguments: ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])
    func anAnyMethodRouteAnswersEveryMethod(_ method: String) {
        let response = Self.respond(Self.makeRouterWithAnyMethodRoute(), Request(method: HTTPMethod(rawValue: method), path: "/auth"), context: 0)
        #expect(response.status == .ok)
        #expect(response.headers["X-Method"] == method)
    }

    @Test func headOnAnAnyMethodRouteHasNoBody() {
        let response = Self.respond(Self.makeRouterWithAnyMethodRoute(), Request(method: .head, path: "/auth"), context: 0)
        #expect(response.status == .ok)
        #expect(response.headers["X-Method"] == "HEAD")
        #expect(response.body.isEmpty)
    }

    @Test(arguments: [("POST", 303), ("GET", 200), ("DELETE", 200)])
    func aMethodsOwnRouteComesBeforeTheAnyMethodOne(_ method: String, _ status: Int) {
        let response = Self.respond(Self.makeRouterWithAnyMethodRoute(), Request(method: HTTPMethod(rawValue: method), path: "/both"), context: 0)
        #expect(response.status.code == status)
    }

    @Test func theSecurityHeadersNameTheAllowedFormTargets() {
        var router = Router<Int>(errorPage: { error, _ in Response(status: error.status) })
        router.add(SecurityHeaders(formTargets: ["app.example.com"]))
        let policy = Self.respond(router, Request(path: "/missing"), context: 0).headers["Content-Security-Policy"]
        #expect(policy == SecurityHeaders<Int>(formTargets: ["app.example.com"]).contentSecurityPolicy)
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
        let response = Self.respond(Self.makeRouterWithAuthorizer(.ok), request, context: 0)
        #expect(response.status == .ok)
        #expect(response.headers["X-Judged"] == "/app/x?y")
    }

    @Test func withoutAnAuthorizerNoAuthorizerRequestReachesARoute() {
        #expect(Self.respond(Self.makeRouter(), Request(path: "/", role: .authorizer), context: 0).status == .notFound)
    }

    @Test func responderRequestsStillGoToTheirRoutes() {
        let response = Self.respond(Self.makeRouterWithAuthorizer(.ok), Request(path: "/"), context: 3)
        #expect(response.body == Array("home 3".utf8))
        #expect(response.headers["X-Judged"] == nil)
    }

    /// The web server adds the headers of an authorizer's 200 to the protected
    /// site's answer (Apache does), so none of this site's may be among them;
    /// what it sends to the browser instead (a redirect, a refusal) carries them.
    @Test(arguments: [(HTTPStatus.ok, false), (.found, true), (.forbidden, true)])
    func securityHeadersOnlyWhereTheBrowserSeesTheAnswer(_ status: HTTPStatus, _ expected: Bool) {
        let response = Self.respond(Self.makeRouterWithAuthorizer(status), Request(path: "/x", role: .authorizer), context: 0)
        for name in ["Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options", "Cache-Control"] {
            #expect((response.headers[name] != nil) == expected, "\(name)")
        }
    }

    @Test func handlersMayForbidCaching() {
        var router = Router<Int>(errorPage: { error, _ in Response(status: error.status) })
        router.add(SecurityHeaders())
        router.get("/secret") { _, _ in
            var response = Response(body: Array("secret".utf8))
            response.forbidCaching()
            return response
        }
        #expect(Self.respond(router, Request(path: "/secret"), context: 0).headers["Cache-Control"] == "no-store")
    }
}

/// Adds its name to the context before the route, and to a header after it.
private struct Trace: Middleware {
    let name: String

    func handle(_ request: Request, context: inout [String], next: (Request, inout [String]) -> Response) throws -> Response {
        context.append(name)
        var response = next(request, &context)
        response.headers.add("X-Trace", name)
        return response
    }
}

/// Refuses every request before the route runs.
private struct Refuse: Middleware {
    func handle(_ request: Request, context: inout [String], next: (Request, inout [String]) -> Response) throws -> Response {
        throw HTTPError(.forbidden, message: "refused")
    }
}

struct MiddlewareTests {
    static func makeRouter(_ steps: [any Middleware<[String]>]) -> Router<[String]> {
        var router = Router<[String]>(errorPage: { error, _ in Response(status: error.status, body: Array(error.message.utf8)) })
        for step in steps { router.add(step) }
        router.get("/") { _, context in Response(body: Array(context.joined(separator: ",").utf8)) }
        router.get("/fail") { _, _ in throw HTTPError(.badRequest) }
        return router
    }

    @Test func theFirstAddedRunsOutermostAndFillsTheContextFirst() {
        let response = RouterTests.respond(Self.makeRouter([Trace(name: "outer"), Trace(name: "inner")]), Request(path: "/"), context: [])
        #expect(response.body == Array("outer,inner".utf8))
        #expect(response.headers.values("X-Trace") == ["inner", "outer"])
    }

    @Test(arguments: ["/fail", "/missing"])
    func everyStepSeesErrorPages(_ path: String) {
        let response = RouterTests.respond(Self.makeRouter([Trace(name: "outer"), Trace(name: "inner")]), Request(path: path), context: [])
        #expect(response.status.code >= 400)
        #expect(response.headers.values("X-Trace") == ["inner", "outer"])
    }

    @Test func aStepThatThrowsAnswersWithItsPageToTheStepsOutsideIt() {
        let response = RouterTests.respond(Self.makeRouter([Trace(name: "outer"), Refuse(), Trace(name: "inner")]), Request(path: "/"), context: [])
        #expect(response.status == .forbidden)
        #expect(response.body == Array("refused".utf8))
        #expect(response.headers.values("X-Trace") == ["outer"])
    }
}
