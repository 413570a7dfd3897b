import Glibc
import Testing
@testable import Supervisor

struct TerminationStatusTests {
    static let statuses: [(Int32, String)] = [
        (0, "exited with status 0"),
        (1 << 8, "exited with status 1"),
        (9, "was killed by signal 9 (SIGKILL)"),
        (6 | 0x80, "was killed by signal 6 (SIGABRT), dumping core"),
        (11, "was killed by signal 11 (SIGSEGV)"),
        (40, "was killed by signal 40"),
    ]

    @Test(arguments: statuses)
    func describesTheWaitStatus(_ status: Int32, _ text: String) {
        #expect(TerminationStatus(waitStatus: status).description == text)
    }

    /// The statuses of real processes, as waitpid reports them.
    @Test func decodesRealProcesses() throws {
        #expect(try statusOf("exit 3") == .exited(code: 3))
        #expect(try statusOf("kill -TERM $$") == .killed(signal: SIGTERM, dumpedCore: false))
    }

    private func statusOf(_ script: String) throws -> TerminationStatus.Cause {
        let pid = try Spawn.process("/bin/sh", arguments: ["sh", "-c", script], descriptors: [])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return TerminationStatus(waitStatus: status).cause
    }
}
