import Foundation
import Logging

/// How `serve` writes its log lines to stderr.
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's stream format: `TIME LEVEL totpgate: [MODULE] MESSAGE`, one
    /// line each, which the fail2ban filter of the README reads. The message
    /// carries every field: a line's metadata is left out.
    case text
    /// One JSON object per line: `time` (RFC 3339, UTC), `level`, `event`,
    /// the event's fields (`user`, `address`, `result`, …) and `message`.
    case json

    /// A log handler of this format for `label`, writing to stderr.
    public func handler(label: String) -> any LogHandler {
        switch self {
        case .text: TextLogHandler(StreamLogHandler.standardError(label: label))
        case .json: JSONLogHandler(label: label, write: { line in FileHandle.standardError.write(Data(line.utf8)) })
        }
    }
}

/// swift-log's stream handler without the metadata: a text line says
/// everything in its message, and stays as it was for the log's readers.
struct TextLogHandler: LogHandler {
    private var stream: StreamLogHandler

    init(_ stream: StreamLogHandler) {
        self.stream = stream
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}  // a text line carries its fields in its message
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        var event = event
        event.metadata = nil
        stream.log(event: event)
    }
}

/// One JSON object per line, for a log collector.
struct JSONLogHandler: LogHandler {
    let label: String
    /// Writes one whole line at once (lines of several threads never mix).
    let write: @Sendable (String) -> Void
    var logLevel = Logger.Level.info
    var metadata: Logger.Metadata = [:]

    init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata.merging(event.metadata ?? [:]) { $1 }
        let name = fields.removeValue(forKey: "event").map { "\($0)" } ?? "message"
        var line = "{\"time\":\(Self.quoted(Self.timestamp())),\"level\":\(Self.quoted(event.level.rawValue))"
        line += ",\"event\":\(Self.quoted(name))"
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where !["time", "level", "message"].contains(key) {
            line += ",\(Self.quoted(key)):\(Self.quoted("\(value)"))"
        }
        line += ",\"message\":\(Self.quoted("\(event.message)"))}\n"
        write(line)
    }

    /// Now, in RFC 3339 with milliseconds, UTC: `2026-12-01T11:04:03.123Z`.
    static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
