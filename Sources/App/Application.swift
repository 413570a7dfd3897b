import Accounts
import Foundation
import Logging
import Web

/// totpgate's web application: settings, keys and templates loaded once at
/// start, and the router every worker thread shares.
public final class Application: Sendable {
    public let settings: Settings
    let router: Router<RequestContext>
    private let clock: @Sendable () -> Int64
    private let logger: Logger

    /// Loads (creating on first use) the data directory and keys, and parses the templates.
    public init(settings: Settings, logger: Logger, clock: @escaping @Sendable () -> Int64 = Application.systemClock) throws {
        self.settings = settings
        self.clock = clock
        self.logger = logger
        let dataDirectory = try DataDirectory(path: settings.dataDirectory)
        let keys = try SigningKeyFile(dataDirectory: dataDirectory).load()
        let templates = try settings.templatesDirectory.map { try Templates(directory: $0) }
            ?? Templates(sources: EmbeddedTemplates.sources)
        for name in Self.requiredTemplates where !templates.contains(name) { throw TemplateError.missing(name) }

        let pages = Pages(templates: templates, settings: settings)
        let handlers = Handlers(
            pages: pages,
            cookie: SessionCookie(codec: SessionCodec(keys: keys, lifetimes: settings.lifetimes), settings: settings),
            settings: settings)
        var router = Router<RequestContext> { error, request in pages.error(error, for: request) }
        handlers.register(on: &router)
        self.router = router
    }

    /// Templates every deployment must provide (a `--www` override included).
    static let requiredTemplates = ["header", "footer", "login", "error"]

    /// Seconds since the Unix epoch, from the system clock.
    public static let systemClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    /// A worker for one thread.
    public func makeWorker() throws -> Worker {
        Worker(application: self)
    }

    /// One thread's request handler: the shared router plus what the thread owns.
    public struct Worker: RequestHandler {
        let application: Application

        public func respond(to request: Request) -> Response {
            let context = RequestContext(now: application.clock())
            return application.router.respond(to: request, context: context) { error in
                application.logger.error("unexpected error answering \(request.method) \(request.path): \(error)")
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
}
