import Foundation
import Logging
import Synchronization
import Testing
@testable import App

/// The JSON log format: one object per line, parsed here by Foundation's parser.
struct LogFormatTests {
    /// The lines a logger wrote.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var first: String? { lines.withLock { $0.first } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    /// A logger writing JSON lines into `lines`.
    static func jsonLogger(_ lines: Lines) -> Logger {
        Logger(label: "totpgate") { label in
            JSONLogHandler(label: label, write: lines.append)
        }
    }

    static func object(_ line: String) throws -> [String: String] {
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        return try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
    }

    @Test func aLineIsOneObjectWithTimeLevelEventAndTheFields() throws {
        let lines = Lines()
        Self.jsonLogger(lines).notice("audit login-failed user=alice reason=password client=203.0.113.7",
                                      metadata: ["event": "login-failed", "user": "alice", "reason": "password",
                                                 "address": "203.0.113.7", "result": "failure"])
        let object = try Self.object(try #require(lines.first))
        #expect(object["level"] == "notice")
        #expect(object["event"] == "login-failed")
        #expect(object["user"] == "alice" && object["reason"] == "password" && object["result"] == "failure")
        #expect(object["address"] == "203.0.113.7")
        #expect(object["message"] == "audit login-failed user=alice reason=password client=203.0.113.7")
        let time = try #require(object["time"])
        #expect(time.hasSuffix("Z"))
        let parsed = try #require(try? Date(time, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)))
        #expect(abs(parsed.timeIntervalSinceNow) < 3600)
    }

    @Test func aLineWithoutAnEventIsAMessage() throws {
        let lines = Lines()
        Self.jsonLogger(lines).info("totpgate serving on /run/totpgate.sock")
        let object = try Self.object(try #require(lines.first))
        #expect(object["event"] == "message")
        #expect(object["level"] == "info")
        #expect(object["message"] == "totpgate serving on /run/totpgate.sock")
    }

    @Test(arguments: ["quote \" backslash \\ newline \n tab \t bell \u{07} del \u{7F}", "ünïcødé ✓", "{\"event\":\"x\"}"])
    func anyTextStaysInsideItsString(_ text: String) throws {
        let lines = Lines()
        Self.jsonLogger(lines).error("\(text)", metadata: ["user": "\(text)"])
        let object = try Self.object(try #require(lines.first))
        #expect(object["message"] == text)
        #expect(object["user"] == text)
        #expect(object["event"] == "message")
    }

    @Test func theTextFormatWritesTheMessageAloneAsBefore() {
        var handler = TextLogHandler(StreamLogHandler.standardError(label: "totpgate"))
        handler[metadataKey: "event"] = "login-failed"
        #expect(handler.metadata.isEmpty)
        #expect(handler[metadataKey: "event"] == nil)
    }
}
