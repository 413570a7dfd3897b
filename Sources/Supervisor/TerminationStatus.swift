/// How a process ended, from the status `waitpid` gave, in words for the log.
public struct TerminationStatus: Sendable, Equatable, CustomStringConvertible {
    public enum Cause: Sendable, Equatable {
        case exited(code: Int32)
        case killed(signal: Int32, dumpedCore: Bool)
    }

    public let cause: Cause

    /// Decodes a `waitpid` status (the `WIFEXITED`/`WTERMSIG` macros, which Swift cannot call).
    public init(waitStatus status: Int32) {
        let signal = status & 0x7F
        cause = signal == 0 ? .exited(code: (status >> 8) & 0xFF) : .killed(signal: signal, dumpedCore: status & 0x80 != 0)
    }

    public var description: String {
        switch cause {
        case .exited(let code): "exited with status \(code)"
        case .killed(let signal, let dumpedCore):
            "was killed by signal \(signal)\(Self.names[signal].map { " (\($0))" } ?? "")\(dumpedCore ? ", dumping core" : "")"
        }
    }

    /// Names of the signals that end processes (Linux numbers).
    private static let names: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
        9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
        24: "SIGXCPU", 25: "SIGXFSZ", 31: "SIGSYS",
    ]
}
