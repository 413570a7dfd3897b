import Dispatch
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
import Web
@testable import FastCGI

/// Logins answered on the lane, apart from the accept loops: real sockets,
/// real libfcgi, a handler that holds a login as long as the test says.
struct LoginLaneTests {
    typealias Records = FastCGIRecords

    /// `POST /login` is a login, held until ``release()``; anything else is answered at once.
    final class Gatekeeper: HTTPResponder, Sendable {
        private let gate = DispatchSemaphore(value: 0)
        let loginsStarted = Atomic<Int>(0)
        /// The bodies of the logins, in the order the handler took them.
        let bodies = Mutex<[String]>([])

        func respond(to request: Request) -> Response {
            if isLogin(request) {
                loginsStarted.add(1, ordering: .sequentiallyConsistent)
                bodies.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
                gate.wait()
            }
            return Response(body: Array("answered \(request.path)".utf8))
        }

        func respond(to error: HTTPError, for request: Request) -> Response {
            Response(status: error.status, headers: error.headers, body: Array("refused \(error.status.code)".utf8))
        }

        func isLogin(_ request: Request) -> Bool { request.method == .post && request.path == "/login" }

        func release(_ count: Int = 1) { for _ in 0..<count { gate.signal() } }
    }

    final class Running: Sendable {
        let directory: TemporaryDirectory
        let path: String
        let responder: Responder
        private let endpoint: Endpoint

        init(threads: Int, lane: LoginLanePlan, application: Gatekeeper) throws {
            directory = try TemporaryDirectory()
            path = directory.path("s")
            endpoint = .unixSocket(path: path, mode: 0o600, group: nil)
            let listener = try ListeningSocket.open(endpoint)
            responder = try Responder(listeners: [listener], threads: threads, requestTimeout: .seconds(60), loginLane: lane,
                                      basePath: "", logger: Logger(label: "test"))
            try responder.start { _ in application }
        }

        func client() throws -> FastCGIClient { try FastCGIClient(path: path) }

        func stop() {
            responder.stop()
            ListeningSocket.remove(endpoint)
        }
    }

    /// Waits (a poll, not a measurement) until `condition` holds.
    func eventually(_ condition: () -> Bool) {
        while !condition() { Thread.sleep(forTimeInterval: 0.002) }
    }

    /// With every lane thread held by a login, and more logins queued than
    /// there are accept loops, the one accept loop still answers a page.
    @Test func waitingLoginsHoldNoAcceptLoop() throws {
        let application = Gatekeeper()
        let running = try Running(threads: 1, lane: LoginLanePlan(threads: 1, queueTimeout: .seconds(600)), application: application)
        defer { running.stop() }
        let logins = try (0..<3).map { _ in try running.client() }
        for client in logins { client.send(Records.post("/login", body: Array("p=1".utf8))) }
        eventually { application.loginsStarted.load(ordering: .sequentiallyConsistent) == 1 && running.responder.lane?.queued == 2 }
        let page = try running.client()
        page.send(Records.get("/auth"))
        #expect(try #require(page.response()).hasSuffix("answered /auth"))
        application.release(3)
        for client in logins {
            #expect(try #require(client.response()).hasSuffix("answered /login"))
        }
    }

    /// First come, first served: the logins are answered in the order they were read.
    @Test func loginsAreAnsweredInTheirOrder() throws {
        let application = Gatekeeper()
        let running = try Running(threads: 2, lane: LoginLanePlan(threads: 1, queueTimeout: .seconds(600)), application: application)
        defer { running.stop() }
        var clients: [FastCGIClient] = []
        for index in 0..<4 {
            let client = try running.client()
            client.send(Records.post("/login", body: Array("n=\(index)".utf8), id: UInt16(index + 1)))
            clients.append(client)
            eventually { application.loginsStarted.load(ordering: .sequentiallyConsistent) == 1
                && running.responder.lane?.queued == index }
        }
        application.release(4)
        for client in clients { _ = client.response() }
        #expect(application.bodies.withLock { $0 } == ["n=0", "n=1", "n=2", "n=3"])
    }

    /// A login still queued when its time is up is answered busy, without reaching the handler.
    @Test func aLoginQueuedPastItsTimeIsAnsweredBusy() throws {
        let application = Gatekeeper()
        let running = try Running(threads: 1, lane: LoginLanePlan(threads: 1, queueTimeout: .zero), application: application)
        defer { running.stop() }
        let client = try running.client()
        client.send(Records.post("/login", body: Array("p=1".utf8)))
        let response = try #require(client.response())
        #expect(response.hasPrefix("Status: 503 Service Unavailable\r\n"))
        #expect(response.contains("Retry-After: 5\r\n"))
        #expect(application.loginsStarted.load(ordering: .sequentiallyConsistent) == 0)
    }

    /// Stopping answers the logins still queued before it returns.
    @Test func stoppingAnswersTheQueuedLogins() throws {
        let application = Gatekeeper()
        let running = try Running(threads: 1, lane: LoginLanePlan(threads: 1, queueTimeout: .seconds(600)), application: application)
        let logins = try (0..<3).map { _ in try running.client() }
        for client in logins { client.send(Records.post("/login", body: Array("p=1".utf8))) }
        eventually { running.responder.lane?.queued == 2 }
        application.release(3)
        running.stop()
        #expect(application.loginsStarted.load(ordering: .sequentiallyConsistent) == 3)
        for client in logins { #expect(try #require(client.response()).hasSuffix("answered /login")) }
    }
}
