import App
import FastCGI
import Foundation
import Logging
import SharedCounters
import Supervisor

extension ServeCommand {
    /// The master process: opens the listening socket, starts the workers
    /// and supervises them until SIGTERM or SIGINT.
    func runMaster() throws {
        let text = try data.configFile.map { try Configuration.text(ofConfigFile: $0) }
        let configuration = try loadConfiguration(fileText: text)
        LoggingSystem.bootstrap(configuration.logFormat.handler)
        let logger = Logger(label: "totpgate")
        let endpoint = configuration.endpoint
        if let listen = configuration.listen,
           !(listen.hasPrefix("127.") || listen.hasPrefix("localhost:") || listen.hasPrefix("[::1]:")) {
            // FastCGI has no authentication: whoever reaches the port can claim any client address or HTTPS.
            logger.warning("listening on \(listen), not loopback: only the web server must be able to reach this port")
        }

        let listener = try ListeningSocket.open(endpoint)
        defer { ListeningSocket.remove(endpoint) }
        let metrics = Application.sharedMetrics
        let counters = try SharedCounters(layout: metrics.layout)
        let supervisor = try Supervisor(
            listener: listener, counters: counters, metrics: metrics,
            plan: workerPlan(configuration, text: text, endpoint: endpoint), logger: logger)
        guard let store = try supervisor.start() else { return logger.info("totpgate stopped") }
        let basePath = configuration.settings.basePath
        logger.info("""
            totpgate serving on \(endpoint) with \(configuration.workers) workers of \(configuration.threads) threads, \
            mounted at \(basePath.isEmpty ? "/" : basePath + "/"); store: \(store)
            """)
        supervisor.run {
            let text = try data.configFile.map { try Configuration.text(ofConfigFile: $0) }
            return try workerPlan(loadConfiguration(fileText: text), text: text, endpoint: endpoint)
        }
        logger.info("totpgate stopped")
    }

    /// The workers for `configuration`, read from the config file's `text`;
    /// `endpoint` is the socket the master holds, which a reload cannot change.
    private func workerPlan(_ configuration: Configuration, text: String?, endpoint: Endpoint) throws -> WorkerPlan {
        var summary = data.configFile.map { "the configuration (\($0)), cookie keys and templates" } ?? "cookie keys and templates"
        if configuration.endpoint != endpoint {
            summary += " (the socket settings take a restart: still serving on \(endpoint))"
        }
        return WorkerPlan(
            count: configuration.workers,
            arguments: CommandLine.arguments + ["--worker-of", String(getpid())],
            configuration: try text.map { try InheritedText($0) },
            summary: summary)
    }
}

extension Configuration {
    /// Where the responder listens: a unix socket, a TCP address, or fd 0.
    var endpoint: Endpoint {
        if let socket { return .unixSocket(path: socket, mode: socketMode, group: socketGroup) }
        if let listen { return .tcp(listen) }
        return .inherited
    }
}
