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
            """
    )

    @OptionGroup var data: DataDirectoryOptions

    @Option(help: "Unix socket to create for the web server.")
    var socket: String?

    @Option(help: "Mode of the unix socket, octal.")
    var socketMode = "660"

    @Option(help: "Group of the unix socket (e.g. www-data), so web server workers can connect.")
    var socketGroup: String?

    @Option(help: "TCP address to listen on, HOST:PORT.")
    var listen: String?

    @Option(help: "Worker threads (default: \(ServeCommand.defaultThreads)).")
    var threads: Int = ServeCommand.defaultThreads

    @Option(help: "Mount point of the application, e.g. /2fa.")
    var basePath = ""

    @Option(help: "Directory with a templates/ folder replacing the built-in page templates.")
    var www: String?

    @Option(help: "When the session cookie is marked Secure.")
    var cookieSecure: Settings.CookieSecurity = .auto

    @Option(help: "Name shown on the pages and in authenticator apps.")
    var appName = "totpgate"

    @Option(help: "Seconds an account refuses attempts after its 5th consecutive failure; doubles with each further one.")
    var throttleDelay: Int64 = 30

    @Option(help: "Seconds an account stays locked after its 10th consecutive failure, unless `user unlock` lifts it sooner.")
    var lockDuration: Int64 = 3600

    /// Enough threads that a few logins hashing passwords (tens of milliseconds
    /// each) leave others free for cheap requests such as `/auth`.
    static let defaultThreads = max(8, 4 * ProcessInfo.processInfo.activeProcessorCount)

    func validate() throws {
        guard socket == nil || listen == nil else { throw ValidationError("use --socket or --listen, not both") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        guard let mode = UInt32(socketMode, radix: 8), mode <= 0o777 else { throw ValidationError("--socket-mode must be octal, e.g. 660") }
        _ = mode
        guard throttleDelay >= 0, lockDuration > 0 else { throw ValidationError("--throttle-delay must be 0 or more, --lock-duration more than 0") }
        guard basePath.isEmpty || (basePath.hasPrefix("/") && !basePath.contains("//")) else {
            throw ValidationError("--base-path must start with / (e.g. /2fa)")
        }
    }

    func run() throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "totpgate")

        var settings = Settings()
        settings.dataDirectory = data.path
        settings.basePath = basePath
        settings.templatesDirectory = www.map { ($0 as NSString).appendingPathComponent("templates") }
        settings.cookieSecurity = cookieSecure
        settings.appName = appName
        settings.accounts.throttle.initialDelay = throttleDelay
        settings.accounts.throttle.lockDuration = lockDuration
        let application = try Application(settings: settings, logger: logger)

        let endpoint: Endpoint
        if let socket {
            endpoint = .unixSocket(path: socket, mode: UInt32(socketMode, radix: 8)!, group: socketGroup)
        } else if let listen {
            endpoint = .tcp(listen)
        } else {
            endpoint = .inherited
        }
        let responder = try Responder(endpoint: endpoint, threads: threads, basePath: basePath, logger: logger)
        logger.info("totpgate serving on \(endpoint) with \(threads) threads; data in \(settings.dataDirectory)")
        try responder.run { _ in try application.makeWorker() }
        logger.info("totpgate stopped")
    }
}
