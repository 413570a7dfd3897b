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
            Listens on a unix socket (--socket), a TCP address (--listen), or both at once; without a \
            socket, on the listening socket on fd 0 as spawn-fcgi and mod_fcgid hand it over. SIGTERM or SIGINT \
            stops accepting, finishes the requests in flight and exits 0.

            Every option below (but --config) is also a key of the config file, named without \
            the dashes: `threads = 16`. Options given here override the file.
            """
    )

    @OptionGroup var data: DataDirectoryOptions

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

    @Option(help: "Where a FastCGI authorizer (Apache, lighttpd) sends visitors to log in, rd added: an https:// URL or a path (default: the mount point on the protected site's own host).")
    var loginURL: String?

    @Option(help: "Seconds an account refuses attempts after its 5th consecutive failure; doubles with each further one (default: 30).")
    var throttleDelay: Int64?

    @Option(help: "Seconds an account stays locked after its 10th consecutive failure, unless `user unlock` lifts it sooner (default: 3600).")
    var lockDuration: Int64?

    @Option(help: "Low-priority threads hashing passwords, each one scrypt at a time (default: half the cores, at least 1).")
    var passwordHashThreads: Int?

    /// The config file's settings with the options given here applied over them.
    func loadConfiguration() throws -> Configuration {
        var configuration = try data.configuration()
        if !allowedRedirectHost.isEmpty { configuration.settings.allowedRedirectHosts = [] }
        let options: [(String, (any CustomStringConvertible)?)] = [
            ("socket", socket), ("socket-mode", socketMode), ("socket-group", socketGroup), ("listen", listen),
            ("threads", threads), ("base-path", basePath), ("www", www), ("app-name", appName), ("logo", logo),
            ("cookie-name", cookieName), ("cookie-secure", cookieSecure?.rawValue), ("cookie-domain", cookieDomain),
            ("cookie-path", cookiePath), ("login-url", loginURL), ("throttle-delay", throttleDelay), ("lock-duration", lockDuration),
            ("password-hash-threads", passwordHashThreads),
        ] + allowedRedirectHost.map { ("allowed-redirect-host", $0) }
        for (key, value) in options { try configuration.setFlag(key, to: value) }
        return configuration
    }

    /// Where to serve: the unix socket, or without one the socket on fd 0
    /// that spawn-fcgi or mod_fcgid hands over; and the TCP address, when
    /// there is one, as well (Apache's mod_authnz_fcgi reaches FastCGI over
    /// TCP only, while the pages may stay on the socket).
    static func endpoints(of configuration: Configuration) -> [Endpoint] {
        var endpoints: [Endpoint] = []
        if let socket = configuration.socket {
            endpoints.append(.unixSocket(path: socket, mode: configuration.socketMode, group: configuration.socketGroup))
        } else if configuration.listen == nil || Endpoint.inheritedSocketIsOpen {
            endpoints.append(.inherited)
        }
        if let listen = configuration.listen { endpoints.append(.tcp(listen)) }
        return endpoints
    }

    func run() throws {
        let configuration = try loadConfiguration()
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "totpgate")
        let application = try Application(settings: configuration.settings, logger: logger)

        if let listen = configuration.listen,
           !(listen.hasPrefix("127.") || listen.hasPrefix("localhost:") || listen.hasPrefix("[::1]:")) {
            // FastCGI has no authentication: whoever reaches the port can claim any client address or HTTPS.
            logger.warning("listening on \(listen), not loopback: only the web server must be able to reach this port")
        }
        let basePath = configuration.settings.basePath
        let endpoints = Self.endpoints(of: configuration)
        let responder = try Responder(endpoints: endpoints, threads: configuration.threads, basePath: basePath, logger: logger)
        logger.info("""
            totpgate serving on \(endpoints.map(\.description).joined(separator: " and ")) \
            with \(configuration.threads) threads\(endpoints.count > 1 ? " each" : ""), \
            mounted at \(basePath.isEmpty ? "/" : basePath + "/"); store: \(application.storeDescription)
            """)
        try responder.run { _ in try application.makeWorker() }
        logger.info("totpgate stopped")
    }
}
