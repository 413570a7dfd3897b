import App
import FastCGI
import Foundation
import Logging
import SharedCounters
import Supervisor

extension ServeCommand {
    /// A worker process, started by the master `master`: loads the
    /// configuration, keys and templates, serves on the inherited socket,
    /// and stops gracefully on SIGTERM. Never returns.
    func runWorker(master: Int32) -> Never {
        do {
            try WorkerLink.attach(toMaster: master)
            let text = try data.configFile.map { _ in try WorkerLink.configurationText() }
            let configuration = try loadConfiguration(fileText: text)
            LoggingSystem.bootstrap(configuration.logFormat.handler)
            let logger = Logger(label: "totpgate")
            let counters = try SharedCounters(inheriting: WorkerDescriptors.counters, layout: Application.sharedMetrics.layout)
            let application = try Application(settings: configuration.settings, logger: logger, counters: counters)
            let responder = try Responder(
                listeners: [WorkerDescriptors.listener, WorkerDescriptors.secondListener].filter(ListeningSocket.isListeningSocket),
                threads: configuration.threads, requestTimeout: configuration.requestTimeout, loginLane: configuration.loginLane,
                basePath: configuration.settings.basePath, logger: logger)
            try responder.start { _ in try application.makeWorker() }
            WorkerLink.report(.ready(application.storeDescription))
            WorkerLink.waitForStop()
            responder.stop()
            Foundation.exit(0)
        } catch {
            WorkerLink.report(.failed(Totpgate.message(for: error)))
            Foundation.exit(1)
        }
    }
}

extension Configuration {
    /// The worker's login lane: a thread for each hashing thread and for each
    /// login the hashing pool lets wait, so the pool always has the next one
    /// ready and never refuses one the lane sends it.
    var loginLane: LoginLanePlan {
        LoginLanePlan(threads: settings.concurrentPasswordHashes + settings.waitingPasswordHashes,
                      queueTimeout: loginQueueTimeout)
    }
}
