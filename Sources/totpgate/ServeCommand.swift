import App
import ArgumentParser
import FastCGI
import Foundation
import Logging

extension Settings.CookieSecurity: ExpressibleByArgument {}

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the FastCGI responder.",
        discussion: """
            Listens on a unix socket (--socket), a TCP address (--listen), or, with neither, the \
            listening socket on fd 0 as spawn-fcgi and mod_fcgid hand it over. SIGTERM or SIGINT \
            stops accepting, finishes the requests in flight and exits 0.

            Every option below (but --config) is also a key of the config file, named without \
            the dashes: `threads = 16`. Options given here override the file.
            """
    )

    @OptionGroup var data: DataDirectoryOptions

    @Option(help: "The account store: sqlite:PATH or postgresql://USER@HOST/DB (default: totpgate.db in the data directory).")
    var store: String?

    @Option(help: "Unix socket to create for the web server.")
    var socket: String?

    @Option(help: "Mode of the unix socket, octal (default: 660).")
    var socketMode: String?

    @Option(help: "Group of the unix socket (e.g. www-data), so web server workers can connect.")
    var socketGroup: String?

    @Option(help: "TCP address to listen on, HOST:PORT.")
    var listen: String?

    @Option(help: "Worker threads (default: \(Configuration.defaultThreads)).")
    var threads: Int?

    @Option(help: "Mount point of the application, e.g. /2fa.")
    var basePath: String?

    @Option(help: "Directory with a templates/ folder replacing the built-in page templates.")
    var www: String?

    @Option(help: "Name shown on the pages and in authenticator apps (default: totpgate).")
    var appName: String?

    @Option(help: "Name of the session cookie (default: totpgate).")
    var cookieName: String?

    @Option(help: "Image shown beside the name on every page: a path on this site, e.g. /static/logo.svg.")
    var logo: String?

    @Option(help: "When the session cookie is marked Secure (default: auto, when the request came over HTTPS).")
    var cookieSecure: Settings.CookieSecurity?

    @Option(help: "Domain of the session cookie, e.g. example.com to share it with app.example.com (default: the login host only).")
    var cookieDomain: String?

    @Option(help: "Path of the session cookie (default: /, so the gate sees it on every path).")
    var cookiePath: String?

    @Option(help: "A host, HOST or HOST:PORT, that rd may lead to after login; repeat for more (default: local paths only).")
    var allowedRedirectHost: [String] = []

    @Option(help: "Seconds an account refuses attempts after its 5th consecutive failure; doubles with each further one (default: 30).")
    var throttleDelay: Int64?

    @Option(help: "Seconds an account stays locked after its 10th consecutive failure, unless `user unlock` lifts it sooner (default: 3600).")
    var lockDuration: Int64?

    @Option(help: "Low-priority threads hashing passwords, each one scrypt at a time (default: half the cores, at least 1).")
    var passwordHashThreads: Int?

    func validate() throws {
        guard socket == nil || listen == nil else { throw ValidationError("use --socket or --listen, not both") }
    }

    /// The config file's settings with the options given here applied over them.
    func loadConfiguration() throws -> Configuration {
        var configuration = try data.configuration()
        // One endpoint: a socket or address given here replaces the file's, of either kind.
        if socket != nil || listen != nil {
            configuration.socket = nil
            configuration.listen = nil
        }
        if !allowedRedirectHost.isEmpty { configuration.settings.allowedRedirectHosts = [] }
        let options: [(String, (any CustomStringConvertible)?)] = [
            ("store", store), ("socket", socket), ("socket-mode", socketMode), ("socket-group", socketGroup), ("listen", listen),
            ("threads", threads), ("base-path", basePath), ("www", www), ("app-name", appName), ("logo", logo),
            ("cookie-name", cookieName), ("cookie-secure", cookieSecure?.rawValue), ("cookie-domain", cookieDomain),
            ("cookie-path", cookiePath), ("throttle-delay", throttleDelay), ("lock-duration", lockDuration),
            ("password-hash-threads", passwordHashThreads),
        ] + allowedRedirectHost.map { ("allowed-redirect-host", $0) }
        for (key, value) in options { try configuration.setFlag(key, to: value) }
        try configuration.validate()
        return configuration
    }

    func run() throws {
        let configuration = try loadConfiguration()
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "totpgate")
        let application = try Application(settings: configuration.settings, logger: logger)

        let endpoint: Endpoint
        if let socket = configuration.socket {
            endpoint = .unixSocket(path: socket, mode: configuration.socketMode, group: configuration.socketGroup)
        } else if let listen = configuration.listen {
            endpoint = .tcp(listen)
        } else {
            endpoint = .inherited
        }
        if let listen = configuration.listen,
           !(listen.hasPrefix("127.") || listen.hasPrefix("localhost:") || listen.hasPrefix("[::1]:")) {
            // FastCGI has no authentication: whoever reaches the port can claim any client address or HTTPS.
            logger.warning("listening on \(listen), not loopback: only the web server must be able to reach this port")
        }
        let basePath = configuration.settings.basePath
        let responder = try Responder(endpoint: endpoint, threads: configuration.threads, basePath: basePath, logger: logger)
        logger.info("""
            totpgate serving on \(endpoint) with \(configuration.threads) threads, \
            mounted at \(basePath.isEmpty ? "/" : basePath + "/"); store: \(application.storeDescription)
            """)
        try responder.run { _ in try application.makeWorker() }
        logger.info("totpgate stopped")
    }
}
