import Accounts
import Dispatch
import Foundation
import Glibc
import Synchronization
import Web

/// Password hashing on a few threads of their own, at low CPU priority.
///
/// scrypt takes tens of milliseconds of CPU and 32 MiB per hash. Run on the
/// worker threads at normal priority, a burst of logins (even for unknown
/// names) would take the cores from cheap requests such as `/auth`, whose
/// latency nginx's `auth_request` adds to every protected page. Here at most
/// one hash per slot runs, at nice 19, so the scheduler serves the gate
/// first; a few more wait; beyond that a login gets `503` with `Retry-After`
/// rather than tying up a worker thread.
final class HashingPool: ScryptExecutor {
    /// Niceness of the hashing threads: lower priority than the workers (0).
    static let niceness: Int32 = 19

    private final class Job: Sendable {
        let work: @Sendable () throws -> [UInt8]
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<[UInt8], any Error>?>(nil)

        init(_ work: @escaping @Sendable () throws -> [UInt8]) { self.work = work }
    }

    private struct State: ~Copyable {
        var queue: [Job] = []
        var admitted = 0
    }

    let slots: Int
    let capacity: Int
    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)

    /// `slots` hashing threads; up to `waiting` more logins queue behind them.
    init(slots: Int, waiting: Int) {
        self.slots = max(1, slots)
        capacity = self.slots + max(0, waiting)
        for index in 0..<self.slots {
            let thread = Thread { [self] in
                // Lowering one's own priority needs no privilege; failing to only loses the preference.
                // On Linux the nice value is per thread, and who = 0 names the calling thread.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
                while true { runNextJob() }
            }
            thread.name = "totpgate-hash-\(index)"
            thread.start()
        }
    }

    func derive(_ work: @escaping @Sendable () throws -> [UInt8]) throws -> [UInt8] {
        let job = Job(work)
        let admitted = state.withLock { state in
            guard state.admitted < capacity else { return false }
            state.admitted += 1
            state.queue.append(job)
            return true
        }
        guard admitted else {
            throw HTTPError(.serviceUnavailable, message: "Too many sign-ins at this moment. Please try again in a second.",
                            headers: ["Retry-After": "1"])
        }
        ready.signal()
        job.done.wait()
        // The job signals only after storing its result.
        return try job.result.withLock { $0! }.get()
    }

    private func runNextJob() {
        ready.wait()
        guard let job = state.withLock({ $0.queue.isEmpty ? nil : $0.queue.removeFirst() }) else { return }
        let result = Result { try job.work() }
        job.result.withLock { $0 = result }
        state.withLock { $0.admitted -= 1 }
        job.done.signal()
    }
}
