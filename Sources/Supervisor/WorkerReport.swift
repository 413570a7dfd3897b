/// What a starting worker tells the master, as one line on its status pipe.
public enum WorkerReport: Sendable, Equatable {
    /// Serving; with what the master's start-up line names (the store).
    case ready(String)
    /// Could not start, and why: the master prints it as `totpgate: …` on the
    /// first start, or logs it and keeps the running workers on a reload.
    case failed(String)

    /// The line, newline-terminated; a message's own line breaks become spaces.
    var line: String {
        let (word, text) = switch self {
        case .ready(let detail): ("ready", detail)
        case .failed(let message): ("failed", message)
        }
        return word + " " + String(text.map { $0.isNewline ? " " : $0 }) + "\n"
    }

    /// The report a line (without its newline) holds; nil for anything else.
    init?(line: Substring) {
        guard let space = line.firstIndex(of: " ") else { return nil }
        let text = String(line[line.index(after: space)...])
        switch line[..<space] {
        case "ready": self = .ready(text)
        case "failed": self = .failed(text)
        default: return nil
        }
    }
}
