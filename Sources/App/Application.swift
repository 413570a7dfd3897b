import Accounts
import Foundation
import Logging
import SharedCounters
import Stores
import SystemIO
import Web

/// totpgate's web application: settings, keys and templates loaded once at
/// start, and the router every worker thread shares.
public final class Application: Sendable {
    public let settings: Settings
    let router: Router<RequestContext>
    private let accounts: AccountServiceFactory
    private let hasher: PasswordHasher
    private let clock: any TimeSource
    private let logger: Logger
    let metrics: Metrics

    /// The metrics every process of `serve` shares, the same in each: the
    /// master makes their region from these, and each worker maps it.
    public static let sharedMetrics = SharedMetrics(routes: Handlers.routes)

    /// Loads (creating on first use) the data directory, keys and database, and parses the templates.
    /// `counters` are those shared with the other workers (made from ``sharedMetrics``); nil: this process's own.
    public convenience init(settings: Settings, logger: Logger, counters: SharedCounters? = nil,
                            clock: any TimeSource = SystemClock()) throws {
        let counters = try counters ?? SharedCounters(layout: Self.sharedMetrics.layout)
        let queue = Metrics(names: Self.sharedMetrics, counters: counters).loginQueue
        try self.init(settings: settings, logger: logger, counters: counters, clock: clock,
                      hashingPool: HashingPool(slots: settings.concurrentPasswordHashes, waiting: settings.waitingPasswordHashes,
                                               observer: queue))
    }

    /// An application hashing passwords on `hashingPool`, which tests share.
    init(settings: Settings, logger: Logger, counters: SharedCounters? = nil, clock: any TimeSource, hashingPool: HashingPool) throws {
        self.settings = settings
        self.clock = clock
        self.logger = logger
        metrics = Metrics(names: Self.sharedMetrics, counters: try counters ?? SharedCounters(layout: Self.sharedMetrics.layout))
        let dataDirectory = try DataDirectory(path: settings.dataDirectory)
        accounts = try settings.accountServiceFactory(dataDirectory: dataDirectory)
        var hasher = try PasswordHasher(parameters: settings.passwordHashing)
        hasher.executor = hashingPool
        self.hasher = hasher
        let keys = try SigningKeyFile(dataDirectory: dataDirectory).load()
        let templates = try settings.templatesDirectory.map { try Templates(directory: $0) }
            ?? Templates(sources: EmbeddedTemplates.sources)
        for name in Self.requiredTemplates where !templates.contains(name) { throw TemplateError.missing(name) }

        let pages = Pages(templates: templates, settings: settings)
        let revocations = SessionRevocations(clock: clock, logouts: (metrics.counters, metrics.names.sessionsEnded))
        var router = Router<RequestContext>(errorPage: pages.error) { error, request in
            logger.error("unexpected error answering \(request.method) \(request.path): \(error)")
        }
        router.add(SecurityHeaders(formTargets: settings.allowedRedirectHosts))
        router.add(SessionMiddleware(
            cookie: SessionCookie(codec: SessionCodec(keys: keys, lifetimes: settings.lifetimes), settings: settings),
            revocations: revocations))
        Handlers(
            pages: pages, revocations: revocations,
            enrolmentImages: EnrolmentImages(scale: settings.qrScale, lifetime: .seconds(settings.lifetimes.enrolmentStep), clock: clock),
            settings: settings, policy: settings.accessPolicy, devices: DeviceCookie(keys: keys, settings: settings), metrics: metrics
        ).register(on: &router)
        self.router = router
        // Opens the database once now, so a broken store stops the start rather than the first request.
        _ = try makeAccountService()
    }

    /// The account store, for the start-up log line.
    public var storeDescription: String {
        guard case .sqlite(let path) = accounts.location else { return accounts.location.description }
        return StoreLocation.sqlite(path: URL(fileURLWithPath: path).standardizedFileURL.path).description
    }

    /// Templates every deployment must provide (a `--www` override included).
    static let requiredTemplates = [
        "header", "footer", "login", "code", "enroll", "recovery", "home", "logout", "error", "verify", "denied", "password",
    ]

    /// A worker for one thread, with its own database connection.
    public func makeWorker() throws -> Worker {
        Worker(application: self, accounts: try makeAccountService())
    }

    private func makeAccountService() throws -> AccountService {
        try accounts.service(hasher: hasher, configuration: settings.accountConfiguration)
    }

    /// One thread's responder: the shared router plus the thread's store connection.
    public struct Worker: HTTPResponder {
        let application: Application
        let accounts: AccountService

        public func respond(to request: Request) -> Response {
            let start = ContinuousClock.now
            var context = makeContext(for: request)
            defer { application.metrics.observe(Self.route(of: request), took: start.duration(to: .now)) }
            return application.router.respond(to: request, context: &context)
        }

        public func respond(to error: HTTPError, for request: Request) -> Response {
            let start = ContinuousClock.now
            var context = makeContext(for: request)
            defer { application.metrics.observe(Self.route(of: request), took: start.duration(to: .now)) }
            return application.router.respond(to: error, for: request, context: &context)
        }

        /// Whether `request` hashes a password, and so waits in the login lane.
        public func isLogin(_ request: Request) -> Bool {
            request.method == .post && Handlers.passwordRoutes.contains(request.path)
        }

        /// The `503` for a login that waited longer than `login-queue-timeout`:
        /// no handler ran, so nothing was claimed or logged; `/metrics` counts
        /// it as a `busy` login.
        public func respondBusy(to request: Request) -> Response {
            let start = ContinuousClock.now
            var context = makeContext(for: request)
            defer { application.metrics.observe(Self.route(of: request), took: start.duration(to: .now)) }
            if request.path == "/login" { application.metrics.count(.busy) }
            return application.router.respond(to: PasswordHashingBusy(), for: request, context: &context)
        }

        /// The `route` label `request` is timed under.
        private static func route(of request: Request) -> String {
            request.role == .authorizer ? Handlers.authorizerRoute : request.path
        }

        /// The context of `request`: its time, and the accounts auditing with its client.
        private func makeContext(for request: Request) -> RequestContext {
            var accounts = accounts
            let logger = application.logger
            let metrics = application.metrics
            accounts.audit = { event in
                metrics.count(event)
                let address = request.clientAddress.isEmpty ? "-" : request.clientAddress
                // The same fields as metadata, for the JSON format (the text format prints the message alone).
                var fields: Logger.Metadata = ["event": "\(event.name)", "address": "\(address)"]
                for (key, value) in event.fields { fields[key] = "\(value)" }
                if let result = Metrics.loginResult(of: event) { fields["result"] = "\(result.rawValue)" }
                // One line per security event, for people and for fail2ban (README).
                logger.notice("audit \(event) client=\(address)", metadata: fields)
            }
            return RequestContext(now: application.clock.now, client: ClientAddress(request.clientAddress), accounts: accounts)
        }
    }
}
