import Accounts
import SharedCounters
import Testing
import Web
@testable import App

/// `/healthz` and `/metrics`.
struct OperationsTests {
    @Test func healthIsOkWithoutCookieAndNotCached() throws {
        let app = try TestApp()
        let health = app.get("/healthz")
        #expect(health.status == .ok)
        #expect(health.text == "ok\n")
        #expect(health.headers["Cache-Control"] == "no-store")
        #expect(health.headers.values("Set-Cookie").isEmpty)
    }

    /// A probe that carries a session due for renewal still gets no cookie.
    @Test func healthNeitherReadsNorRenewsASession() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        #expect(try browser.login(code: app.code()).location == "/home")
        app.clock.advance(app.application.settings.lifetimes.renewalInterval + 1)
        #expect(browser.get("/healthz").headers.values("Set-Cookie").isEmpty)
        #expect(browser.get("/auth").headers.values("Set-Cookie").count == 1)  // it was due: /auth renews it
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func metricsAnswerTheAllowedAddresses(_ address: String) throws {
        let app = try TestApp()
        let page = app.worker.respond(to: Request(path: "/metrics", clientAddress: address))
        #expect(page.status == .ok)
        #expect(page.headers["Content-Type"] == PrometheusText.contentType)
        #expect(page.text.contains("# TYPE totpgate_logins_total counter\n"))
    }

    @Test(arguments: ["203.0.113.9", "127.0.0.2", "", "::ffff:127.0.0.1"])
    func metricsAreNotFoundFromAnyOtherAddress(_ address: String) throws {
        let app = try TestApp()
        let page = app.worker.respond(to: Request(path: "/metrics", clientAddress: address))
        #expect(page.status == .notFound)
        #expect(!page.text.contains("totpgate_"))
    }

    @Test func metricsAllowNamesOtherAddresses() throws {
        let app = try TestApp { $0.metricsAllow = ["192.0.2.7"] }
        #expect(app.worker.respond(to: Request(path: "/metrics", clientAddress: "192.0.2.7")).status == .ok)
        #expect(app.worker.respond(to: Request(path: "/metrics", clientAddress: "127.0.0.1")).status == .notFound)
    }

    /// The value of the series `name{labels}` on the page (`name` alone when unlabelled).
    static func value(_ series: String, in page: String) -> String? {
        page.split(separator: "\n").first { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
    }

    func metrics(_ app: TestApp) -> String {
        app.worker.respond(to: Request(path: "/metrics")).text
    }

    /// Each outcome of a login counts once under its result, whichever step it happened at.
    @Test func loginsCountByResult() throws {
        let app = try TestApp { $0.accounts.throttle.initialDelay = 3600 }
        try app.addUser()
        #expect(try Browser(app).login(code: app.code()).location == "/home")  // success
        let replay = Browser(app)
        #expect(try replay.login(code: app.code()).location == "/")  // the same step again: a replay, a failure
        let twoSteps = Browser(app)
        #expect(try twoSteps.login().location == "/login/code")  // a right password alone is no outcome yet
        #expect(try twoSteps.post("/login/code", ["code": app.wrongCode()]).location == "/login/code")  // failure
        for _ in 0..<3 { try Browser(app).login(password: "wrong") }  // failures: the 5th in a row starts the delay
        #expect(try Browser(app).login(password: "wrong").location == "/")  // throttled
        let page = metrics(app)
        #expect(Self.value(#"totpgate_logins_total{result="success"}"#, in: page) == "1")
        #expect(Self.value(#"totpgate_logins_total{result="failure"}"#, in: page) == "5")
        #expect(Self.value(#"totpgate_logins_total{result="throttled"}"#, in: page) == "1")
        #expect(Self.value(#"totpgate_logins_total{result="locked"}"#, in: page) == "0")
        #expect(Self.value(#"totpgate_logins_total{result="busy"}"#, in: page) == "0")
        #expect(Self.value("totpgate_replays_refused_total", in: page) == "1")
    }

    @Test func aLoginRefusedForWantOfAHashingThreadCountsAsBusy() throws {
        let pool = HashingPool(slots: 1, waiting: 0)
        let app = try TestApp(hashingPool: pool)
        try app.addUser()
        pool.shutdown()
        #expect(try Browser(app).login(code: app.code()).status == .serviceUnavailable)
        #expect(Self.value(#"totpgate_logins_total{result="busy"}"#, in: metrics(app)) == "1")
    }

    @Test func aLockedAccountsRefusalCountsAsLocked() throws {
        let app = try TestApp { $0.accounts.throttle.initialDelay = 0 }
        try app.addUser()
        for _ in 0..<10 { try Browser(app).login(password: "wrong") }  // the 10th failure locks
        try Browser(app).login(code: app.code())
        let page = metrics(app)
        #expect(Self.value(#"totpgate_logins_total{result="failure"}"#, in: page) == "10")
        #expect(Self.value(#"totpgate_logins_total{result="locked"}"#, in: page) == "1")
    }

    @Test func authAnswersCountByDecision() throws {
        let app = try TestApp()
        try app.addUser()
        let browser = Browser(app)
        #expect(try browser.login(code: app.code()).location == "/home")
        for _ in 0..<3 { #expect(browser.get("/auth").status == .ok) }
        for _ in 0..<2 { #expect(app.get("/auth").status == .unauthorized) }
        let page = metrics(app)
        #expect(Self.value(#"totpgate_auth_requests_total{result="allow"}"#, in: page) == "3")
        #expect(Self.value(#"totpgate_auth_requests_total{result="anonymous"}"#, in: page) == "2")
        #expect(Self.value(#"totpgate_auth_requests_total{result="deny"}"#, in: page) == "0")
        #expect(Self.value(#"totpgate_auth_requests_total{result="step_up"}"#, in: page) == "0")
    }

    @Test func requestDurationsCountByRouteAndUnknownPathsAsOther() throws {
        let app = try TestApp()
        for _ in 0..<4 { #expect(app.get("/auth").status == .unauthorized) }
        #expect(app.get("/no/such/page").status == .notFound)
        #expect(app.get("/another/one").status == .notFound)
        let page = metrics(app)
        #expect(Self.value(#"totpgate_request_duration_seconds_count{route="/auth"}"#, in: page) == "4")
        #expect(Self.value(#"totpgate_request_duration_seconds_bucket{route="/auth",le="+Inf"}"#, in: page) == "4")
        #expect(Self.value(#"totpgate_request_duration_seconds_count{route="other"}"#, in: page) == "2")
        #expect(!page.contains("/no/such/page"))
    }

    /// A route missing from ``Handlers/routes`` would be timed as "other".
    @Test func everyRouteHasItsDurationHistogram() throws {
        let app = try TestApp()
        #expect(app.application.router.paths.subtracting(Handlers.routes).isEmpty)
    }

    @Test func processFiguresAreThoseOfThisProcessWithoutAMaster() throws {
        let page = metrics(try TestApp())
        #expect(Int(Self.value("totpgate_resident_memory_bytes", in: page) ?? "") ?? 0 > 1_000_000)
        #expect(Int(Self.value("totpgate_open_fds", in: page) ?? "") ?? 0 > 2)
        #expect(Self.value("totpgate_workers_alive", in: page) == "0")
        #expect(Self.value("totpgate_store_up", in: page) == "1")
    }
}
