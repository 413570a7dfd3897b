import App
import ArgumentParser
import FastCGI
import Foundation
import Logging

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the FastCGI responder.",
        discussion: """
            Listens on a unix socket (--socket), a TCP address (--listen), or, with neither, the \
            listening socket on fd 0 as spawn-fcgi and mod_fcgid hand it over. SIGTERM or SIGINT \
            stops accepting, finishes the requests in flight and exits 0.

            SETTINGS (each, without the dashes, also a key of the config file: `threads = 16`; \
            an option given here overrides the file):

            """ + Configuration.optionsHelp(excluding: ["data-dir"])
    )

    @OptionGroup var data: DataDirectoryOptions

    /// The settings' options (`--threads 16`), read against ``Configuration/keys``: they are declared there, once.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var settingOptions: [String] = []

    @Flag(help: .hidden)
    var printSettingsTable = false

    /// The config file's settings with the options given here applied over them.
    func loadConfiguration() throws -> Configuration {
        var configuration = try data.configuration()
        try configuration.applyCommandLine(settingOptions)
        try configuration.validate()
        return configuration
    }

    func run() throws {
        if printSettingsTable {
            print(Configuration.markdownTable, terminator: "")
            return
        }
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
