import App
import FastCGI
import Foundation
import Logging
import SharedCounters
import Supervisor

extension ServeCommand {
    /// The master process: opens the listening sockets, starts the workers
    /// and supervises them until SIGTERM or SIGINT.
    func runMaster() throws {
        let text = try data.configFile.map { try Configuration.text(ofConfigFile: $0) }
        let configuration = try loadConfiguration(fileText: text)
        LoggingSystem.bootstrap(configuration.logFormat.handler)
        let logger = Logger(label: "totpgate")
        let endpoints = configuration.endpoints
        if let listen = configuration.listen,
           !(listen.hasPrefix("127.") || listen.hasPrefix("localhost:") || listen.hasPrefix("[::1]:")) {
            // FastCGI has no authentication: whoever reaches the port can claim any client address or HTTPS.
            logger.warning("listening on \(listen), not loopback: only the web server must be able to reach this port")
        }

        var listeners: [Int32] = []
        defer { endpoints.prefix(listeners.count).forEach(ListeningSocket.remove) }
        for endpoint in endpoints { listeners.append(try ListeningSocket.open(endpoint)) }
        let metrics = Application.sharedMetrics
        let counters = try SharedCounters(layout: metrics.layout)
        let supervisor = try Supervisor(
            listeners: listeners, counters: counters, metrics: metrics,
            plan: workerPlan(configuration, text: text, endpoints: endpoints), logger: logger)
        guard let store = try supervisor.start() else { return logger.info("totpgate stopped") }
        let basePath = configuration.settings.basePath
        logger.info("""
            totpgate serving on \(endpoints.map(\.description).joined(separator: " and ")) with \(configuration.workers) workers \
            of \(configuration.threads) threads\(endpoints.count > 1 ? " on each socket" : ""), \
            mounted at \(basePath.isEmpty ? "/" : basePath + "/"); store: \(store)
            """)
        supervisor.run {
            let text = try data.configFile.map { try Configuration.text(ofConfigFile: $0) }
            return try workerPlan(loadConfiguration(fileText: text), text: text, endpoints: endpoints)
        }
        logger.info("totpgate stopped")
    }

    /// The workers for `configuration`, read from the config file's `text`;
    /// `endpoints` are the sockets the master holds, which a reload cannot change.
    private func workerPlan(_ configuration: Configuration, text: String?, endpoints: [Endpoint]) throws -> WorkerPlan {
        var summary = data.configFile.map { "the configuration (\($0)), cookie keys and templates" } ?? "cookie keys and templates"
        if configuration.endpoints != endpoints {
            let serving = endpoints.map(\.description).joined(separator: " and ")
            summary += " (the socket settings take a restart: still serving on \(serving))"
        }
        return WorkerPlan(
            count: configuration.workers,
            arguments: CommandLine.arguments + ["--worker-of", String(getpid())],
            configuration: try text.map { try InheritedText($0) },
            summary: summary)
    }
}

extension Configuration {
    /// Where the responder listens: the unix socket, or without one the
    /// socket on fd 0 that spawn-fcgi or mod_fcgid hands over; and the TCP
    /// address, when there is one, as well (Apache's mod_authnz_fcgi reaches
    /// FastCGI over TCP only, while the pages may stay on the socket).
    var endpoints: [Endpoint] {
        var endpoints: [Endpoint] = []
        if let socket {
            endpoints.append(.unixSocket(path: socket, mode: socketMode, group: socketGroup))
        } else if listen == nil || ListeningSocket.isListeningSocket(0) {
            endpoints.append(.inherited)
        }
        if let listen { endpoints.append(.tcp(listen)) }
        return endpoints
    }
}
