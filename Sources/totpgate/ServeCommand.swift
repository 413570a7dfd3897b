import App
import ArgumentParser
import Foundation

extension Settings.CookieSecurity: ExpressibleByArgument {}

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the FastCGI responder.",
        discussion: """
            Listens on a unix socket (--socket), a TCP address (--listen), or, with neither, the \
            listening socket on fd 0 as spawn-fcgi and mod_fcgid hand it over. A master process \
            holds the socket and runs --workers worker processes, replacing any that dies. SIGHUP \
            reloads: new workers start with the config file, cookie keys and templates read afresh, \
            then the old ones finish their requests and exit. SIGTERM or SIGINT stops accepting, \
            finishes the requests in flight and exits 0.

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

    @Option(help: "Worker processes (default: \(Configuration.defaultWorkers), the number of cores, at least 2).")
    var workers: Int?

    @Option(help: "Accept loops in each worker process (default: \(Configuration.defaultThreads)).")
    var threads: Int?

    @Option(help: "Seconds a FastCGI connection may take to deliver its whole request before it is dropped (default: 5).")
    var requestTimeout: Int?

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

    /// Set by the master on the command lines of its workers: its process id.
    @Option(help: .hidden)
    var workerOf: Int32?

    func validate() throws {
        guard socket == nil || listen == nil else { throw ValidationError("use --socket or --listen, not both") }
    }

    /// The config file's settings (from `fileText`, its text read before, if
    /// given) with the options given here applied over them.
    func loadConfiguration(fileText: String? = nil) throws -> Configuration {
        var configuration = try data.configuration(fileText: fileText)
        // One endpoint: a socket or address given here replaces the file's, of either kind.
        if socket != nil || listen != nil {
            configuration.socket = nil
            configuration.listen = nil
        }
        if !allowedRedirectHost.isEmpty { configuration.settings.allowedRedirectHosts = [] }
        let options: [(String, (any CustomStringConvertible)?)] = [
            ("socket", socket), ("socket-mode", socketMode), ("socket-group", socketGroup), ("listen", listen),
            ("workers", workers), ("threads", threads), ("request-timeout", requestTimeout), ("base-path", basePath), ("www", www), ("app-name", appName), ("logo", logo),
            ("cookie-name", cookieName), ("cookie-secure", cookieSecure?.rawValue), ("cookie-domain", cookieDomain),
            ("cookie-path", cookiePath), ("throttle-delay", throttleDelay), ("lock-duration", lockDuration),
            ("password-hash-threads", passwordHashThreads),
        ] + allowedRedirectHost.map { ("allowed-redirect-host", $0) }
        for (key, value) in options { try configuration.setFlag(key, to: value) }
        try configuration.validate()
        return configuration
    }

    func run() throws {
        if let master = workerOf {
            runWorker(master: master)
        } else {
            try runMaster()
        }
    }
}
