import Glibc
import Logging
import SharedCounters
import SystemIO

/// The master process: it starts the workers, replaces any that dies, starts
/// a new generation on SIGHUP and retires the old one once the new is ready,
/// and on SIGTERM or SIGINT stops them all, letting each finish its requests.
///
/// It runs on one thread, waiting in `poll` for signals (through signalfd) and
/// for the workers' status pipes; it holds the listening socket and never
/// accepts on it, and it starts workers with `posix_spawn` of its own binary.
public final class Supervisor {
    /// How long a new generation may take to be ready before a reload is given up.
    static let readinessLimit: Duration = .seconds(30)

    private enum Phase: Equatable { case starting, ready, retiring }

    private struct Worker {
        let generation: Int
        var phase: Phase
        let started: ContinuousClock.Instant
        /// The read end of its status pipe, until its report has come.
        var statusPipe: Int32?
        var pending: [UInt8] = []
    }

    private let listeners: [Int32]
    private let counters: SharedCounters
    private let metrics: SharedMetrics
    private let logger: Logger
    private let signals: MasterSignals
    private var workers: [pid_t: Worker] = [:] {
        didSet { publishWorkers() }
    }
    private var generation = 0
    private var plan: WorkerPlan
    /// A new generation starting on SIGHUP, until it is ready or given up.
    private var candidate: (generation: Int, plan: WorkerPlan, deadline: ContinuousClock.Instant)?
    private var reloadRequested = false
    private var isStopping = false
    private var replacementDue: ContinuousClock.Instant?
    private var backoff = RestartBackoff()
    /// The first start's outcome: a worker's ready detail, or why it failed.
    private var firstReady: String?
    private var firstFailure: String?
    /// Whether ``start()`` is still waiting for the first generation.
    private var isFirstStart = true

    /// A supervisor handing `listeners` (one or two listening sockets) and
    /// `counters` to the workers of `plan`.
    public init(listeners: [Int32], counters: SharedCounters, metrics: SharedMetrics, plan: WorkerPlan, logger: Logger) throws(IOError) {
        precondition((1...2).contains(listeners.count), "one or two listening sockets")
        self.listeners = listeners
        self.counters = counters
        self.metrics = metrics
        self.plan = plan
        self.logger = logger
        signals = try MasterSignals([SIGCHLD, SIGHUP, SIGTERM, SIGINT])
        signal(SIGPIPE, SIG_IGN)
        counters.set(metrics.startTime, to: UInt64(time(nil)))
        publishWorkers()
    }

    /// Starts the first generation and waits until every worker is ready.
    /// Returns the first worker's ready detail; nil when SIGTERM or SIGINT
    /// came first (every worker is then stopped). If a worker cannot start,
    /// stops the others and throws its reason.
    public func start() throws -> String? {
        generation = 1
        try spawn(generation: generation, plan: plan)
        let deadline = ContinuousClock.now + Self.readinessLimit
        while firstFailure == nil, !isStopping, !isGenerationReady(generation, count: plan.count) {
            guard ContinuousClock.now < deadline else {
                firstFailure = "the workers were not ready within \(Self.readinessLimit)"
                break
            }
            waitForEvents(until: deadline)
        }
        if let failure = firstFailure {
            stopAll()
            throw WorkerStartError(description: failure)
        }
        isFirstStart = false
        if isStopping {
            stopAll()
            return nil
        }
        return firstReady
    }

    /// Supervises until SIGTERM or SIGINT, then stops every worker gracefully.
    /// On SIGHUP, `reload` makes the next generation's plan, or throws why the
    /// configuration is refused (the running workers then stay).
    public func run(reload: () throws -> WorkerPlan) {
        while !isStopping {
            if reloadRequested, candidate == nil {
                reloadRequested = false
                beginReload(reload)
            }
            if let due = replacementDue, ContinuousClock.now >= due { replaceMissing() }
            if let candidate, ContinuousClock.now >= candidate.deadline {
                abandonReload("the new workers were not ready within \(Self.readinessLimit)")
            }
            waitForEvents(until: [replacementDue, candidate?.deadline].compactMap { $0 }.min())
        }
        stopAll()
    }

    // MARK: Events

    /// Waits for a signal or a status report (or `until`), and handles what came.
    private func waitForEvents(until deadline: ContinuousClock.Instant?) {
        let pipes = workers.compactMap { pid, worker in worker.statusPipe.map { (pid, $0) } }
        var descriptors = [pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0)]
            + pipes.map { pollfd(fd: $0.1, events: Int16(POLLIN), revents: 0) }
        let timeout = deadline.map { deadline -> Int32 in
            let (seconds, attoseconds) = max(.zero, ContinuousClock.now.duration(to: deadline)).components
            return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        } ?? -1
        guard poll(&descriptors, nfds_t(descriptors.count), timeout) > 0 else { return }
        for (index, (pid, pipe)) in pipes.enumerated() where descriptors[index + 1].revents != 0 {
            readStatus(of: pid, pipe: pipe)
        }
        if descriptors[0].revents != 0 {
            for signal in signals.take() { handle(signal) }
        }
    }

    private func handle(_ signal: Int32) {
        switch signal {
        case SIGCHLD:
            var status: Int32 = 0
            while case let pid = waitpid(-1, &status, WNOHANG), pid > 0 {
                exited(pid, TerminationStatus(waitStatus: status))
            }
        case SIGHUP:
            if !isStopping { reloadRequested = true }
        default:
            if isStopping {
                // Asked twice (Ctrl-C again): stop now, requests in flight or not.
                logger.warning("stopping at once: killing the workers")
                for pid in workers.keys { kill(pid, SIGKILL) }
            } else {
                logger.info("stopping: the workers finish the requests in flight")
            }
            isStopping = true
        }
    }

    private func readStatus(of pid: pid_t, pipe: Int32) {
        var chunk = [UInt8](repeating: 0, count: 1024)
        let count = chunk.withUnsafeMutableBytes { read(pipe, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR || errno == EAGAIN { return }
        guard count > 0 else {
            // Closed without a report: the worker is dying, and its exit tells the rest.
            closeStatusPipe(of: pid)
            return
        }
        workers[pid]?.pending += chunk[..<count]
        guard let pending = workers[pid]?.pending, let newline = pending.firstIndex(of: UInt8(ascii: "\n")) else { return }
        closeStatusPipe(of: pid)
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        guard let report = WorkerReport(line: line[...]) else {
            return reported(pid, .failed("a worker sent an unreadable report: \(line)"))
        }
        reported(pid, report)
    }

    private func closeStatusPipe(of pid: pid_t) {
        if let pipe = workers[pid]?.statusPipe { close(pipe) }
        workers[pid]?.statusPipe = nil
    }

    // MARK: The life of workers

    private func reported(_ pid: pid_t, _ report: WorkerReport) {
        guard let worker = workers[pid] else { return }
        switch report {
        case .ready(let detail):
            guard worker.phase == .starting else { return }
            workers[pid]?.phase = .ready
            firstReady = firstReady ?? detail
            if let candidate, worker.generation == candidate.generation {
                startMissing(of: candidate.generation, plan: candidate.plan, counting: false)
                if isGenerationReady(candidate.generation, count: candidate.plan.count) { promoteCandidate() }
            } else if isFirstStart {
                startMissing(of: generation, plan: plan, counting: false)
            }
        case .failed(let message):
            if worker.generation == candidate?.generation {
                abandonReload(message)
            } else if isFirstStart {
                firstFailure = firstFailure ?? message
            } else {
                logger.error("a new worker could not start: \(message)")
            }
        }
    }

    private func exited(_ pid: pid_t, _ status: TerminationStatus) {
        guard let worker = workers.removeValue(forKey: pid) else { return }
        if let pipe = worker.statusPipe { close(pipe) }
        if isStopping || worker.phase == .retiring { return }
        if worker.generation == candidate?.generation {
            return abandonReload("a new worker \(status) before it was ready")
        }
        if isFirstStart {
            firstFailure = firstFailure ?? "a worker \(status) before it was ready"
            return
        }
        let delay = backoff.delay(afterWorkerLived: worker.started.duration(to: .now))
        let when = delay == .zero ? "starting a replacement" : "starting a replacement in \(delay) (workers keep dying soon after they start)"
        logger.error("worker \(pid) \(status); \(when)")
        let due = ContinuousClock.now + delay
        replacementDue = min(replacementDue ?? due, due)
    }

    /// Starts workers of the current generation until it has its count again.
    private func replaceMissing() {
        replacementDue = nil
        // A new generation on its way replaces the current one anyway.
        guard candidate == nil else { return }
        startMissing(of: generation, plan: plan, counting: true)
    }

    /// Starts workers of `generation` until it has `plan.count`; `counting`
    /// them as restarts. A generation starts with one worker and the rest
    /// follow once it is ready, so that they never race to create the store.
    private func startMissing(of generation: Int, plan: WorkerPlan, counting: Bool) {
        let running = workers.values.filter { $0.generation == generation && $0.phase != .retiring }.count
        for _ in running..<max(running, plan.count) {
            do {
                try spawn(generation: generation, plan: plan)
                if counting { counters.add(to: metrics.workerRestarts) }
            } catch {
                if isFirstStart { firstFailure = firstFailure ?? "cannot start a worker: \(error)" }
                logger.error("cannot start a worker: \(error)")
                replacementDue = ContinuousClock.now + backoff.delay(afterWorkerLived: .zero)
                return
            }
        }
    }

    private func beginReload(_ reload: () throws -> WorkerPlan) {
        let next: WorkerPlan
        do {
            next = try reload()
        } catch {
            return logger.error("reload refused: \(error); still serving with the previous configuration")
        }
        let newGeneration = generation + 1
        candidate = (newGeneration, next, ContinuousClock.now + Self.readinessLimit)
        do {
            try spawn(generation: newGeneration, plan: next)
        } catch {
            abandonReload("cannot start a worker: \(error)")
        }
    }

    /// The new generation is ready: it becomes the current one, and the old
    /// workers stop accepting, finish their requests and exit.
    private func promoteCandidate() {
        guard let candidate else { return }
        var retired = 0
        for (pid, worker) in workers where worker.generation != candidate.generation && worker.phase != .retiring {
            kill(pid, SIGTERM)
            workers[pid]?.phase = .retiring
            retired += 1
        }
        generation = candidate.generation
        plan = candidate.plan
        self.candidate = nil
        replacementDue = nil
        logger.info("""
            reloaded \(plan.summary): \(plan.count) new workers serving, \(retired) old ones finishing their requests
            """)
    }

    private func abandonReload(_ reason: String) {
        guard let abandoned = candidate else { return }
        for (pid, worker) in workers where worker.generation == abandoned.generation {
            kill(pid, SIGTERM)
            workers[pid]?.phase = .retiring
        }
        candidate = nil
        logger.error("reload refused: \(reason); still serving with the previous configuration")
        replaceMissing()
    }

    /// Stops every worker and waits until all have exited.
    private func stopAll() {
        isStopping = true
        replacementDue = nil
        for (pid, _) in workers {
            kill(pid, SIGTERM)
            workers[pid]?.phase = .retiring
        }
        while !workers.isEmpty { waitForEvents(until: nil) }
    }

    /// Tells the workers, through the shared counters, which workers are
    /// alive: their count, and their process ids after the master's, for `/metrics`.
    private func publishWorkers() {
        counters.set(metrics.workersAlive, to: UInt64(workers.count))
        let pids = [getpid()] + workers.keys.sorted()
        for index in 0..<metrics.processes.count {
            counters.set(metrics.processes, at: index, to: index < pids.count ? UInt64(pids[index]) : 0)
        }
    }

    private func isGenerationReady(_ generation: Int, count: Int) -> Bool {
        workers.values.filter { $0.generation == generation && $0.phase == .ready }.count >= count
    }

    private func spawn(generation: Int, plan: WorkerPlan) throws(IOError) {
        var ends: [Int32] = [0, 0]
        try systemCall("pipe") { pipe(&ends) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        defer { close(ends[1]) }
        var descriptors: [(source: Int32, target: Int32)] = zip(listeners, [WorkerDescriptors.listener, WorkerDescriptors.secondListener])
            .map { ($0, $1) }
        descriptors += [(ends[1], WorkerDescriptors.status), (counters.descriptor, WorkerDescriptors.counters)]
        if let configuration = plan.configuration { descriptors.append((configuration.descriptor, WorkerDescriptors.configuration)) }
        let pid: pid_t
        do {
            pid = try Spawn.process("/proc/self/exe", arguments: plan.arguments, descriptors: descriptors)
        } catch {
            close(ends[0])
            throw error
        }
        workers[pid] = Worker(generation: generation, phase: .starting, started: .now, statusPipe: ends[0])
    }
}
