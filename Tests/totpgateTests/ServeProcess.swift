import Foundation
import TestSupport

/// `totpgate serve` running in the background, its stderr going to a log file.
final class ServeProcess {
    let process = Process()
    let logPath: String

    /// `totpgate` with `arguments`, started by `launcher` (such as
    /// spawn-fcgi and its options) when given.
    init(_ arguments: [String], launcher: [String] = [], log: String) throws {
        logPath = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let command = launcher + [totpgatePath] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The log once it holds `text`, or once the process has ended, or after 10 s.
    func waitForLog(_ text: String) -> String {
        let deadline = Date().addingTimeInterval(10)
        while !log.contains(text), process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return log
    }

    /// SIGTERM, then its exit status.
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
