import Foundation
import Synchronization
import Web

/// Where a responder answers the requests that may wait long: logins, which
/// wait for one of a few password-hashing slots.
///
/// Without it, a login waiting its turn would hold the accept loop that read
/// it, and a rush of logins would hold every loop while `/auth` and the pages
/// went unanswered. The accept loops hand such a request over, whole and
/// read, and go back to accepting; the lane's own threads take the requests
/// first come, first served. One still queued when its time is up is answered
/// busy (503) without being looked at: refused, not tried, so nothing counts
/// it and nothing logs it as a failure.
final class LoginLane: Sendable {
    typealias Plan = LoginLanePlan

    /// A login handed over by an accept loop: its request as read, and the
    /// libfcgi request and connection to answer it on. Held by one thread at
    /// a time, passed on through the queue's lock.
    struct Login: @unchecked Sendable {
        let request: Request
        let fastCGI: FastCGIRequest
        let connection: Connection
        let deadline: ContinuousClock.Instant
    }

    private struct Queue: ~Copyable {
        var logins: [Login] = []
        var next = 0
        var isClosed = false
    }

    let plan: Plan
    private let queue = Mutex(Queue())
    private let waiting = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()

    init(plan: Plan) {
        self.plan = plan
    }

    /// Queues a login read just now; it is answered by its deadline, or busy.
    func add(_ request: Request, on fastCGI: FastCGIRequest, connection: Connection) {
        let login = Login(request: request, fastCGI: fastCGI, connection: connection,
                          deadline: .now + plan.queueTimeout)
        queue.withLock { $0.logins.append(login) }
        waiting.signal()
    }

    /// Starts the threads, each answering with the responder `makeResponder`
    /// gives it (on that thread); returns once all have one, or throws the
    /// first error one of them met.
    func start(makeResponder: @escaping @Sendable () throws -> any HTTPResponder,
               deliver: @escaping @Sendable (Response, FastCGIRequest, Connection, inout [UInt8]) -> Void) throws {
        let failure = ServingThreads.start(plan.threads, named: "totpgate-login", finished: finished, setUp: { _ in
            try makeResponder()
        }, serve: { [self] _, application in
            var buffer = [UInt8](repeating: 0, count: Arrival.examinedBytes)
            while let login = next() {
                let response = ContinuousClock.now < login.deadline
                    ? application.respond(to: login.request) : application.respondBusy(to: login.request)
                deliver(response, login.fastCGI, login.connection, &buffer)
            }
        })
        if let failure {
            stop()
            throw failure
        }
    }

    /// Lets the threads answer every login queued, then end; returns when they have.
    func stop() {
        let threads = plan.threads
        queue.withLock { $0.isClosed = true }
        for _ in 0..<threads { waiting.signal() }
        finished.wait()
    }

    /// Logins queued and not yet taken.
    var queued: Int { queue.withLock { $0.logins.count - $0.next } }

    /// The oldest login queued, waiting for one; nil once the lane is stopped and empty.
    private func next() -> Login? {
        while true {
            waiting.wait()
            let (login, isClosed): (Login?, Bool) = queue.withLock { queue in
                guard queue.next < queue.logins.count else { return (nil, queue.isClosed) }
                let login = queue.logins[queue.next]
                queue.next += 1
                // Drop what was taken once it is most of the array, so the array does not grow for ever.
                if queue.next > 64, queue.next * 2 > queue.logins.count {
                    queue.logins.removeFirst(queue.next)
                    queue.next = 0
                }
                return (login, queue.isClosed)
            }
            if let login { return login }
            if isClosed { return nil }
        }
    }
}

/// How a responder's login lane is made.
public struct LoginLanePlan: Sendable {
    /// Threads answering logins: a few more than the hashing slots, so the
    /// slots stay busy while a thread talks to the store.
    public var threads: Int
    /// How long a login may wait in the queue before it is answered busy.
    public var queueTimeout: Duration

    public init(threads: Int, queueTimeout: Duration) {
        self.threads = threads
        self.queueTimeout = queueTimeout
    }
}
