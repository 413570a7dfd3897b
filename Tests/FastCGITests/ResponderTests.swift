import Foundation
import Logging
import TestSupport
import Testing
import Web
@testable import FastCGI

/// A real responder (real sockets, real libfcgi) on a unix socket in a
/// temporary directory, driven by raw FastCGI records.
struct ResponderTests {
    typealias Records = FastCGIRecords

    /// Answers `METHOD PATH BODY`, so a test sees what reached the handler;
    /// `authorizer METHOD PATH BODY` for a request in that role.
    struct Echo: HTTPResponder {
        func respond(to request: Request) -> Response {
            let role = request.role == .authorizer ? "authorizer " : ""
            return Response(body: Array("\(role)\(request.method.rawValue) \(request.path) \(String(decoding: request.body, as: UTF8.self))".utf8))
        }

        func respond(to error: HTTPError, for request: Request) -> Response {
            Response(status: error.status, body: Array("refused \(error.status.code)".utf8))
        }
    }

    /// A started responder on `sockets` listening sockets; `stop()` stops it and removes them.
    final class Running: Sendable {
        let directory: TemporaryDirectory
        let paths: [String]
        let responder: Responder
        private let endpoints: [Endpoint]

        init(threads: Int = 2, requestTimeout: Duration = .seconds(60), sockets: Int = 1) throws {
            directory = try TemporaryDirectory()
            paths = (0..<sockets).map { [directory] in directory.path("s\($0)") }
            endpoints = paths.map { .unixSocket(path: $0, mode: 0o600, group: nil) }
            let listeners = try endpoints.map(ListeningSocket.open)
            responder = try Responder(listeners: listeners, threads: threads, requestTimeout: requestTimeout, basePath: "",
                                      logger: Logger(label: "test"))
            try responder.start { _ in Echo() }
        }

        var path: String { paths[0] }

        func client(socket: Int = 0) throws -> FastCGIClient { try FastCGIClient(path: paths[socket]) }

        func stop() {
            responder.stop()
            endpoints.forEach(ListeningSocket.remove)
        }
    }

    @Test func servesAGetAndClosesTheConnection() throws {
        let running = try Running()
        defer { running.stop() }
        let client = try running.client()
        client.send(Records.get("/hello"))
        let response = try #require(client.response())
        #expect(response.hasPrefix("Status: 200 OK\r\n"))
        #expect(response.hasSuffix("\r\n\r\nGET /hello "))
        #expect(client.readToEnd() == [])  // and then the connection ends
    }

    @Test func aPostBodyInManyRecordsReachesTheHandler() throws {
        let running = try Running()
        defer { running.stop() }
        let client = try running.client()
        let body = String(repeating: "a=b&", count: 1000)
        client.send(Records.post("/login", body: Array(body.utf8)))
        #expect(try #require(client.response()).hasSuffix("POST /login \(body)"))
    }

    /// Sent in two parts, the second after the accepting thread's patience:
    /// the request is finished in the waiting room and served from there.
    @Test(arguments: [10, 300])
    func aRequestArrivingInPartsIsServed(pauseMilliseconds: Int) throws {
        let running = try Running(threads: 1)
        defer { running.stop() }
        let client = try running.client()
        let request = Records.post("/slow", body: Array("x=1".utf8))
        client.send(Array(request.prefix(20)))
        Thread.sleep(forTimeInterval: Double(pauseMilliseconds) / 1000)  // pacing, not a measurement
        client.send(Array(request.dropFirst(20)))
        #expect(try #require(client.response()).hasSuffix("POST /slow x=1"))
    }

    /// The flood that stalled every page for a minute: connections that
    /// never send their request. They wait without a thread, so the one
    /// thread still serves a request that arrives whole.
    @Test func silentConnectionsDoNotHoldTheThreads() throws {
        let running = try Running(threads: 1)
        defer { running.stop() }
        var silent = try (0..<64).map { index in
            let client = try running.client()
            if index.isMultiple(of: 2) { client.send(Array(Records.get("/").prefix(30))) }  // half of them begin, then stop
            return client
        }
        let client = try running.client()
        client.send(Records.get("/after"))
        #expect(try #require(client.response()).hasSuffix("GET /after "))
        silent.removeAll()  // closed by their side, they leave nothing for the stop to wait for
    }

    @Test func aConnectionThatMissesItsDeadlineIsClosed() throws {
        let running = try Running(requestTimeout: .seconds(1))
        defer { running.stop() }
        let client = try running.client()
        client.send(Array(Records.get("/").prefix(30)))
        #expect(client.readToEnd() == [])  // closed by the responder, with nothing sent
    }

    /// What aborted Debian 12's libfcgi (and with it every request of the
    /// process): a value length of 2^31 - 2. The connection is closed, and the
    /// responder keeps serving.
    @Test func aParameterLengthBeyondItsRecordIsRefused() throws {
        let running = try Running()
        defer { running.stop() }
        let attacker = try running.client()
        let pair: [UInt8] = [1] + Records.length(Int(Int32.max) - 1) + Array("A".utf8)
        attacker.send(Records.begin() + Records.record(type: 4, pair) + Records.record(type: 4) + Records.standardInput([]))
        #expect(attacker.readToEnd() == [])
        let client = try running.client()
        client.send(Records.get("/still"))
        #expect(try #require(client.response()).hasSuffix("GET /still "))
    }

    @Test func aKeptConnectionServesOneRequestAfterAnother() throws {
        let running = try Running(threads: 1)
        defer { running.stop() }
        let client = try running.client()
        for (id, path) in [(UInt16(1), "/one"), (2, "/two"), (3, "/three")] {
            client.send(Records.get(path, id: id, keepConnection: true))
            #expect(try #require(client.response()).hasSuffix("GET \(path) "))
        }
    }

    @Test func aBodyOver16KiBIsRefusedUnread() throws {
        let running = try Running()
        defer { running.stop() }
        let client = try running.client()
        client.send(Records.post("/login", body: [UInt8](repeating: 0x61, count: 20 * 1024)))
        #expect(try #require(client.response()).hasPrefix("Status: 413 Content Too Large\r\n"))
        #expect(client.readToEnd() == [])
    }

    /// An authorizer (Apache's mod_authnz_fcgi) sends no body, whatever CONTENT_LENGTH says.
    @Test func anAuthorizerIsAnsweredWithoutABody() throws {
        let running = try Running()
        defer { running.stop() }
        let client = try running.client()
        client.send(Records.begin(role: 2) + Records.parameters([("REQUEST_URI", "/app"), ("CONTENT_LENGTH", "5")]))
        #expect(try #require(client.response()).hasSuffix("authorizer GET /app "))
    }

    /// totpgate is no FastCGI filter: the web server gets an error page to show.
    @Test func aFilterIsRefusedWith501() throws {
        let running = try Running()
        defer { running.stop() }
        let client = try running.client()
        client.send(Records.begin(role: 3) + Records.parameters([("REQUEST_URI", "/app")]) + Records.standardInput([]))
        #expect(try #require(client.response()).hasPrefix("Status: 501 Not Implemented\r\n"))
    }

    /// A unix socket for nginx and a TCP port for Apache's authorizer: each
    /// socket has its own accept loops, with one thread each here.
    @Test func everyListeningSocketIsServed() throws {
        let running = try Running(threads: 1, sockets: 2)
        defer { running.stop() }
        for socket in 0..<2 {
            let client = try running.client(socket: socket)
            client.send(Records.get("/on/\(socket)"))
            #expect(try #require(client.response()).hasSuffix("GET /on/\(socket) "))
        }
    }

    /// A stop lets a request that has begun to arrive finish and be answered.
    @Test func stoppingServesARequestStillArriving() throws {
        let running = try Running(threads: 1)
        let client = try running.client()
        let request = Records.get("/late")
        client.send(Array(request.prefix(20)))
        Thread.sleep(forTimeInterval: 0.2)  // past the accepting thread's patience: in the waiting room
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            running.stop()
            stopped.signal()
        }
        Thread.sleep(forTimeInterval: 0.2)
        client.send(Array(request.dropFirst(20)))
        #expect(try #require(client.response()).hasSuffix("GET /late "))
        stopped.wait()
    }
}
