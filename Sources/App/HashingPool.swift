import Accounts
import Dispatch
import Foundation
import Glibc
import Synchronization

/// Password hashing on a few threads of their own, at low CPU priority.
///
/// scrypt takes tens of milliseconds of CPU and 32 MiB per hash. Run on the
/// worker threads at normal priority, a burst of logins (even for unknown
/// names) would take the cores from cheap requests such as `/auth`, whose
/// latency nginx's `auth_request` adds to every protected page. Here at most
/// one hash per slot runs, at nice 19, so the scheduler serves the gate
/// first; a few more wait; beyond that a hash is refused with
/// ``PasswordHashingBusy``. (The responder's login lane queues logins so that
/// no more than that ever reach the pool.)
///
/// The threads end when the pool is shut down or released, after the work
/// already queued.
final class HashingPool: ScryptExecutor {
    /// Niceness of the hashing threads: lower priority than the workers (0).
    static let niceness: Int32 = 19

    /// Hears of the queue: a hash queued, and one started after waiting so long (for `/metrics`).
    struct QueueObserver: Sendable {
        let queued: @Sendable () -> Void
        let started: @Sendable (_ waited: Duration) -> Void
    }

    let slots: Int
    let capacity: Int
    private let queue: JobQueue
    private let observer: QueueObserver?

    /// `slots` hashing threads; up to `waiting` more hashes queue behind them.
    init(slots: Int, waiting: Int, observer: QueueObserver? = nil) {
        self.observer = observer
        self.slots = max(1, slots)
        capacity = self.slots + max(0, waiting)
        queue = JobQueue()
        for index in 0..<self.slots {
            let thread = Thread { [queue, observer] in
                // Lowering one's own priority needs no privilege; failing to only loses the preference.
                // On Linux the nice value is per thread, and who = 0 names the calling thread.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
                while let job = queue.next() {
                    observer?.started(job.queued.duration(to: .now))
                    job.run(beforeReturning: queue.finished)
                }
            }
            thread.name = "totpgate-hash-\(index)"
            thread.start()
        }
    }

    deinit { shutdown() }

    /// Hashes queued or running.
    var admitted: Int { queue.admitted }

    /// Lets the threads finish what is queued and end; later work is refused with ``PasswordHashingBusy``.
    func shutdown() {
        queue.close(wakingThreads: slots)
    }

    func derive(_ work: @escaping @Sendable () throws -> [UInt8]) throws -> [UInt8] {
        let job = Job(work)
        guard queue.add(job, capacity: capacity, beforeWaking: { observer?.queued() }) else { throw PasswordHashingBusy() }
        return try job.waitForResult()
    }

    /// One hash to compute, and its result once computed.
    private final class Job: Sendable {
        private let work: @Sendable () throws -> [UInt8]
        /// When the job joined the queue.
        let queued = ContinuousClock.now
        private let done = DispatchSemaphore(value: 0)
        private let result = Mutex<Result<[UInt8], any Error>?>(nil)

        init(_ work: @escaping @Sendable () throws -> [UInt8]) { self.work = work }

        /// Computes the result, calls `finish`, then hands the result to the waiting thread.
        func run(beforeReturning finish: () -> Void) {
            let outcome = Result { try work() }
            result.withLock { $0 = outcome }
            finish()
            done.signal()
        }

        func waitForResult() throws -> [UInt8] {
            done.wait()
            // `run` signals only after storing the result.
            return try result.withLock { $0! }.get()
        }
    }

    /// The jobs admitted and not finished, shared by the pool and its threads
    /// (which must not keep the pool itself alive).
    private final class JobQueue: Sendable {
        private struct State: ~Copyable {
            var waiting: [Job] = []
            /// Jobs queued or running.
            var admitted = 0
            var isClosed = false
        }

        private let state = Mutex(State())
        private let ready = DispatchSemaphore(value: 0)

        /// Queues `job` unless `capacity` jobs are admitted already or the queue is
        /// closed; once queued, calls `beforeWaking` before any thread may take it.
        func add(_ job: Job, capacity: Int, beforeWaking: () -> Void) -> Bool {
            let added = state.withLock { state in
                guard !state.isClosed, state.admitted < capacity else { return false }
                state.admitted += 1
                state.waiting.append(job)
                return true
            }
            if added {
                beforeWaking()
                ready.signal()
            }
            return added
        }

        /// The next job, waiting for one; nil once the queue is closed and empty.
        func next() -> Job? {
            while true {
                ready.wait()
                let (job, isClosed) = state.withLock { state in
                    (state.waiting.isEmpty ? nil : state.waiting.removeFirst(), state.isClosed)
                }
                if let job { return job }
                if isClosed { return nil }
            }
        }

        /// Jobs queued or running.
        var admitted: Int { state.withLock { $0.admitted } }

        /// Frees the place of a job that has run.
        func finished() {
            state.withLock { $0.admitted -= 1 }
        }

        /// Refuses new jobs and wakes `threads` threads to end once the queue is empty.
        func close(wakingThreads threads: Int) {
            let closing = state.withLock { state in
                defer { state.isClosed = true }
                return !state.isClosed
            }
            if closing { for _ in 0..<threads { ready.signal() } }
        }
    }
}
