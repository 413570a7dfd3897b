import Accounts
import Foundation
import Logging
import SharedCounters
import Web

/// totpgate's web application: settings, keys and templates loaded once at
/// start, and the router every worker thread shares.
public final class Application: Sendable {
    public let settings: Settings
    let router: Router<RequestContext>
    private let dataDirectory: DataDirectory
    private let hasher: PasswordHasher
    private let unknownNames: UnknownNameThrottle
    private let clock: @Sendable () -> Int64
    private let logger: Logger

    /// Loads (creating on first use) the data directory, keys and database, and parses the templates.
    /// `counters` are those shared with the other workers, if any.
    public init(settings: Settings, logger: Logger, counters: SharedCounters? = nil,
                clock: @escaping @Sendable () -> Int64 = Application.systemClock) throws {
        self.settings = settings
        self.clock = clock
        self.logger = logger
        dataDirectory = try DataDirectory(path: settings.dataDirectory)
        var hasher = try PasswordHasher(parameters: settings.passwordHashing)
        hasher.executor = HashingPool(slots: settings.concurrentPasswordHashes, waiting: settings.waitingPasswordHashes)
        self.hasher = hasher
        unknownNames = try UnknownNameThrottle()
        let keys = try SigningKeyFile(dataDirectory: dataDirectory).load()
        let templates = try settings.templatesDirectory.map { try Templates(directory: $0) }
            ?? Templates(sources: EmbeddedTemplates.sources)
        for name in Self.requiredTemplates where !templates.contains(name) { throw TemplateError.missing(name) }

        let pages = Pages(templates: templates, settings: settings)
        let handlers = Handlers(
            pages: pages,
            cookie: SessionCookie(codec: SessionCodec(keys: keys, lifetimes: settings.lifetimes), settings: settings),
            revocations: SessionRevocations(logouts: counters.map { ($0, SharedMetrics().sessionsEnded) }),
            enrolmentImages: EnrolmentImages(scale: settings.qrScale, lifetime: .seconds(settings.lifetimes.enrolmentStep)),
            settings: settings)
        var router = Router<RequestContext>(securityHeaders: SecurityHeaders(formTargets: settings.allowedRedirectHosts)) {
            error, request in pages.error(error, for: request)
        }
        handlers.register(on: &router)
        self.router = router
        // Opens the database once now, so a broken store stops the start rather than the first request.
        _ = try makeAccountService()
    }

    /// The account store, for the start-up log line.
    public var storeDescription: String {
        "SQLite \(URL(fileURLWithPath: dataDirectory.path(of: SQLiteUserStore.fileName)).standardizedFileURL.path)"
    }

    /// Templates every deployment must provide (a `--www` override included).
    static let requiredTemplates = ["header", "footer", "login", "code", "enroll", "recovery", "home", "error"]

    /// Seconds since the Unix epoch, from the system clock.
    public static let systemClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    /// A worker for one thread, with its own database connection.
    public func makeWorker() throws -> Worker {
        Worker(application: self, accounts: try makeAccountService())
    }

    private func makeAccountService() throws -> AccountService {
        var configuration = settings.accounts
        configuration.issuer = settings.appName
        var accounts = try AccountService(dataDirectory: dataDirectory, hasher: hasher, configuration: configuration)
        accounts.unknownNames = unknownNames
        return accounts
    }

    /// One thread's request handler: the shared router plus the thread's store connection.
    public struct Worker: RequestHandler {
        let application: Application
        let accounts: AccountService

        public func respond(to request: Request) -> Response {
            var accounts = accounts
            let logger = application.logger
            accounts.audit = { event in
                // One line per security event, for people and for fail2ban (README).
                logger.notice("audit \(event) client=\(request.clientAddress.isEmpty ? "-" : request.clientAddress)")
            }
            let context = RequestContext(now: application.clock(), accounts: accounts)
            return application.router.respond(to: request, context: context) { error in
                logger.error("unexpected error answering \(request.method) \(request.path): \(error)")
            }
        }

        public func respond(to error: HTTPError, for request: Request) -> Response {
            application.router.respond(to: error, for: request)
        }
    }
}

/// What a handler gets besides the request.
struct RequestContext {
    /// The time of the request, Unix seconds.
    let now: Int64
    /// The accounts, over this worker's store connection, auditing with this request's client.
    let accounts: AccountService
}
