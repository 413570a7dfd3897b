internal import CLinux
import Glibc
import SystemIO

// The only file of this target that starts processes: the argument vector
// and posix_spawn's actions and attributes stay here.

/// Starts processes with `posix_spawn`: never `fork`, which in a process
/// running threads can leave the child holding a lock no thread will release.
enum Spawn {
    /// Starts `executable` with `arguments` (the first one its name) and this
    /// process's environment. In the child, each `descriptors` entry's source
    /// is at its target number, fd 0 reads `/dev/null`, fds 1 and 2 are this
    /// process's, and nothing else is open, even a descriptor this process
    /// inherited without close-on-exec. Signals start unblocked and with
    /// default actions.
    static func process(_ executable: String, arguments: [String], descriptors: [(source: Int32, target: Int32)]) throws(IOError) -> pid_t {
        // Copies above every target first, so no mapping can overwrite a source another still needs.
        var copies: [Int32] = []
        defer { copies.forEach { close($0) } }
        for (source, _) in descriptors {
            copies.append(try systemCall("fcntl F_DUPFD_CLOEXEC") { fcntl(source, F_DUPFD_CLOEXEC, 64) })
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (copy, (_, target)) in zip(copies, descriptors) {
            try check(posix_spawn_file_actions_adddup2(&actions, copy, target), "posix_spawn_file_actions_adddup2")
        }
        try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "posix_spawn_file_actions_addopen")
        let firstFree = (descriptors.map(\.target).max() ?? 2) + 1
        try check(posix_spawn_file_actions_addclosefrom_np(&actions, max(3, firstFree)), "posix_spawn_file_actions_addclosefrom_np")

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        // Exec resets handled signals; an ignored one (SIGPIPE in the master) stays ignored unless reset here.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGCHLD, SIGURG] { sigaddset(&defaults, signal) }
        try check(posix_spawnattr_setsigmask(&attributes, &none), "posix_spawnattr_setsigmask")
        try check(posix_spawnattr_setsigdefault(&attributes, &defaults), "posix_spawnattr_setsigdefault")
        try check(posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)), "posix_spawnattr_setflags")

        let vector = arguments.map { strdup($0) } + [nil]
        defer { vector.forEach { free($0) } }
        var pid = pid_t()
        try check(posix_spawn(&pid, executable, &actions, &attributes, vector, environ), "cannot start \(executable)")
        return pid
    }

    /// posix_spawn and its helpers return the error number itself.
    private static func check(_ result: Int32, _ reason: @autoclosure () -> String) throws(IOError) {
        guard result == 0 else { throw IOError(errnoCode: result, reason: reason()) }
    }
}
