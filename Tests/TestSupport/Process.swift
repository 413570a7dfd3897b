import Dispatch
import Foundation
import Synchronization

// Helpers the test targets share for driving real programs: the built
// `totpgate`, and the reference tools (oathtool, zbarimg) they cross-check with.

/// The `totpgate` binary built next to the test bundle (a test target that
/// runs it depends on the `totpgate` target, so it is there).
public let totpgatePath: String = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("totpgate").path

/// What a finished process printed and returned.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs `executable` with `arguments` (and `input` on stdin, and `environment`
/// added to this process's) to completion.
///
/// Standard input is written, and standard error read, on threads of their
/// own while standard output is read here: a program filling one pipe while
/// the test waits on another can never stall both.
public func run(_ executable: String, _ arguments: [String], input: String? = nil,
                environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    _ = brokenPipesIgnored
    let writer = inPipe.fileHandleForWriting
    let writing = OnItsOwnThread {
        if let input { try? writer.write(contentsOf: Data(input.utf8)) }  // a program that stops reading early is fine
        try? writer.close()
    }
    let stderr = OnItsOwnThread { err.fileHandleForReading.readDataToEndOfFile() }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    writing.wait()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr.wait(), as: UTF8.self))
}

/// A program that exits before reading all its input makes writing it fail
/// with `EPIPE`, which is fine, instead of killing the tests with SIGPIPE.
private let brokenPipesIgnored: Void = { signal(SIGPIPE, SIG_IGN) }()

/// Work running on a thread of its own, and its result once done.
private final class OnItsOwnThread<Result: Sendable>: Sendable {
    private let result = Mutex<Result?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> Result) {
        Thread.detachNewThread { [self] in
            let value = work()
            result.withLock { $0 = value }
            done.signal()
        }
    }

    /// The result, waiting for it.
    @discardableResult
    func wait() -> Result {
        done.wait()
        // `done` is signalled only after the result is stored.
        return result.withLock { $0! }
    }
}

/// The absolute path of a tool on PATH (the test set-up installs the Debian packages).
public func which(_ tool: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
