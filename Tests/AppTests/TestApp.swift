import Accounts
import Crypto
import Encoding
import Foundation
import Logging
import OTP
import SharedCounters
import Stores
import Synchronization
import TestSupport
import Web
@testable import App

/// An application over a fresh data directory, with a hand-moved clock and cheap scrypt.
struct TestApp {
    static let secret = Array("12345678901234567890".utf8)  // 160 bits
    let directory: TemporaryDirectory
    let clock = ManualClock()
    let application: Application
    let worker: Application.Worker

    /// `counters`, when given, are shared as worker processes share them.
    init(hashingPool: HashingPool = TestApp.hashingPool, counters: SharedCounters? = nil,
         configure: (inout Settings) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory()
        var settings = Settings()
        settings.dataDirectory = directory.path + "/data"
        settings.passwordHashing = try Scrypt(n: 16, r: 1, p: 1)
        configure(&settings)
        application = try Application(settings: settings, logger: Logger(label: "test"), counters: counters, clock: clock,
                                      hashingPool: hashingPool)
        worker = try application.makeWorker()
    }

    /// One pool for every test app, with room for all their logins at once.
    static let hashingPool = HashingPool(slots: 1, waiting: 1000)

    var now: Int64 { clock.now }

    /// Moves the clock past the time a worker trusts its cached answer on whether a session was ended.
    func outliveTheSessionCache() {
        clock.advance(SessionRevocations.timeToLive.components.seconds)
    }

    /// The accounts, over a connection of their own (as the CLI would have).
    func accounts() throws -> AccountService {
        try application.settings.accountServiceFactory().service(hasher: PasswordHasher(parameters: Scrypt(n: 16, r: 1, p: 1)))
    }

    /// Adds `name` with `password`, enrolled with ``secret`` unless `enrolled` is false.
    func addUser(_ name: String = "alice", password: String = "correct horse", enrolled: Bool = true) throws {
        try accounts().addUser(name: name, password: password, totpSecret: enrolled ? Self.secret : nil, now: now)
    }

    /// The TOTP code of `secret` now (or `offset` seconds from now).
    func code(_ secret: [UInt8] = TestApp.secret, offset: Int64 = 0) throws -> String {
        try TOTP(secret: secret).code(at: now + offset)
    }

    /// A well-formed code that is not valid now, nor one step either side.
    func wrongCode() throws -> String {
        let valid = try [-30, 0, 30].map { try code(offset: $0) }
        return ["000000", "111111", "222222", "333333"].first { !valid.contains($0) }!
    }

    func get(_ path: String, query: String = "", cookie: String? = nil, https: Bool = false, basePath: String = "") -> Response {
        send(.get, path, query: query, cookie: cookie, https: https, basePath: basePath)
    }

    /// A request as the transport hands it over; `originalURI` is what an
    /// `auth_request` subrequest or a FastCGI authorizer request carries as `REQUEST_URI`.
    func send(
        _ method: HTTPMethod, _ path: String, query: String = "", cookie: String? = nil, headers: HTTPHeaders = [:],
        body: [UInt8] = [], https: Bool = false, basePath: String = "", originalURI: String? = nil, role: Request.Role = .responder
    ) -> Response {
        var headers = headers
        if let cookie { headers.add("Cookie", cookie) }
        return worker.respond(to: Request(method: method, path: path, query: query, headers: headers, body: body, isHTTPS: https,
                                          basePath: basePath, originalURI: originalURI, role: role))
    }

    /// The session a response's cookie carries.
    func session(from response: Response) throws -> Session? {
        guard let value = Browser.cookieValue(in: response) else { return nil }
        let keys = try SigningKeyFile(dataDirectory: DataDirectory(path: directory.path + "/data")).load()
        return SessionCodec(keys: keys).decode(value, now: now)
    }
}

/// A client with a cookie jar of one cookie, like a browser on this site.
final class Browser {
    let app: TestApp
    var cookie: String?
    /// The mount point the web server passes along with each request.
    let basePath: String
    /// The `Host` header it sends, if any.
    let host: String?
    /// Cookies other than the session's (the remembered device's), by name.
    var otherCookies: [String: String] = [:]
    /// The `User-Agent` header it sends, if any.
    var userAgent: String?

    init(_ app: TestApp, basePath: String = "", host: String? = nil) {
        self.app = app
        self.basePath = basePath
        self.host = host
    }

    private var hostHeader: HTTPHeaders {
        var headers: HTTPHeaders = host.map { ["Host": $0] } ?? [:]
        if let userAgent { headers.add("User-Agent", userAgent) }
        return headers
    }

    /// The `Cookie` header: the session's, then the others.
    private var cookieHeader: String? {
        let all = (cookie.map { ["totpgate=\($0)"] } ?? []) + otherCookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return all.isEmpty ? nil : all.joined(separator: "; ")
    }

    private var formHeaders: HTTPHeaders {
        var headers = hostHeader
        headers.add("Content-Type", "application/x-www-form-urlencoded")
        return headers
    }

    /// The `totpgate` value a response sets: nil when it sets none, "" when it deletes it.
    static func cookieValue(in response: Response) -> String? {
        guard let header = response.headers.values("Set-Cookie").first(where: { $0.hasPrefix("totpgate=") }) else { return nil }
        return String(header.dropFirst("totpgate=".count).prefix { $0 != ";" })
    }

    @discardableResult
    func get(_ path: String, query: String = "") -> Response {
        keep(app.send(.get, path, query: query, cookie: cookieHeader, headers: hostHeader, basePath: basePath))
    }

    @discardableResult
    func post(_ path: String, _ fields: [String: String], includeCSRF: Bool = true) throws -> Response {
        var fields = fields
        if includeCSRF, fields["csrf"] == nil, let token = try session?.csrfToken { fields["csrf"] = token }
        let body = fields.map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
        return keep(app.send(.post, path, cookie: cookieHeader,
                             headers: formHeaders, body: Array(body.utf8), basePath: basePath))
    }

    /// The session the jar's cookie holds now.
    var session: Session? {
        get throws {
            guard let cookie else { return nil }
            let keys = try SigningKeyFile(dataDirectory: DataDirectory(path: app.directory.path + "/data")).load()
            return SessionCodec(keys: keys).decode(cookie, now: app.now)
        }
    }

    /// Opens the login page, then posts the login form.
    @discardableResult
    func login(_ name: String = "alice", password: String = "correct horse", code: String? = nil, rd: String? = nil) throws -> Response {
        get("/")
        var fields = ["username": name, "password": password]
        if let code { fields["code"] = code }
        if let rd { fields["rd"] = rd }
        return try post("/login", fields)
    }

    private func keep(_ response: Response) -> Response {
        if let value = Self.cookieValue(in: response) { cookie = value.isEmpty ? nil : value }
        for header in response.headers.values("Set-Cookie") where !header.hasPrefix("totpgate=") {
            let pair = header.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let (name, value) = (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
            otherCookies[name] = value.isEmpty ? nil : value
        }
        return response
    }
}

extension Response {
    var text: String { String(decoding: body, as: UTF8.self) }
    var location: String? { headers["Location"] }
}
