import Foundation
import Glibc
import SystemIO
import Testing
@testable import Supervisor

struct SpawnTests {
    /// What `executable` prints on fd 1 (mapped to a pipe) given `descriptors` besides.
    private func output(of executable: String, _ arguments: [String], descriptors: [(source: Int32, target: Int32)] = []) throws -> [String] {
        var ends: [Int32] = [0, 0]
        pipe(&ends)
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        let pid = try Spawn.process(executable, arguments: arguments, descriptors: [(ends[1], 1)] + descriptors)
        close(ends[1])
        defer { close(ends[0]) }
        let printed = try FileDescriptorIO.readAll(from: ends[0], path: "pipe")
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: printed, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The child has fds 0 to 2, the mapped ones, and nothing else: not the
    /// parent's other descriptors, even those without close-on-exec.
    @Test func onlyTheMappedDescriptorsAreOpen() throws {
        let stray = open("/dev/null", O_RDONLY)  // inheritable
        let mapped = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(stray); close(mapped) }
        // ls lists 0, 1, 2, the mapped 3, and 4: its own handle on the directory.
        #expect(try output(of: "/bin/ls", ["ls", "-1", "/proc/self/fd"], descriptors: [(mapped, 3)]) == ["0", "1", "2", "3", "4"])
    }

    @Test func aDescriptorArrivesAtItsNumberAndStdinIsDevNull() throws {
        var ends: [Int32] = [0, 0]
        pipe(&ends)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        try FileDescriptorIO.writeAll(Array("through fd 3\n".utf8), to: ends[1], path: "pipe")
        close(ends[1])
        defer { close(ends[0]) }
        #expect(try output(of: "/bin/sh", ["sh", "-c", "cat <&3; readlink /proc/self/fd/0"], descriptors: [(ends[0], 3)])
                == ["through fd 3", "/dev/null"])
    }

    /// Signals the master blocks and ignores start unblocked and default in a worker.
    @Test func signalsStartWithTheirDefaults() throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let ignored = signal(SIGPIPE, SIG_IGN)
        defer {
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            signal(SIGPIPE, ignored)
        }
        for (name, number) in [("TERM", SIGTERM), ("PIPE", SIGPIPE)] {
            let pid = try Spawn.process("/bin/sh", arguments: ["sh", "-c", "kill -\(name) $$; sleep 5"], descriptors: [])
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            #expect(TerminationStatus(waitStatus: status).cause == .killed(signal: number, dumpedCore: false))
        }
    }

    @Test func aMissingExecutableIsAnError() {
        #expect(throws: IOError.self) { try Spawn.process("/no/such/program", arguments: ["x"], descriptors: []) }
    }
}
