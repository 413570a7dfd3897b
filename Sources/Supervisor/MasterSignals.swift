internal import CLinux
import Glibc
import SystemIO

// The only file of this target that reads signals through signalfd.

/// The signals the master acts on, blocked and read from a descriptor, so its
/// one thread can wait for them together with its workers' status pipes.
final class MasterSignals {
    let descriptor: Int32

    /// Blocks `signals` in this thread (before any worker starts: workers get
    /// an empty mask from ``Spawn``) and opens the descriptor that reports them.
    init(_ signals: [Int32]) throws(IOError) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        descriptor = try systemCall("signalfd") { signalfd(-1, &set, Int32(SFD_CLOEXEC | SFD_NONBLOCK)) }
    }

    deinit {
        close(descriptor)
    }

    /// The signals that arrived since the last call, in order.
    func take() -> [Int32] {
        var signals: [Int32] = []
        var info = signalfd_siginfo()
        while read(descriptor, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
            signals.append(Int32(info.ssi_signo))
        }
        return signals
    }
}
