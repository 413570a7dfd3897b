import Glibc

// The only file of this target that sends signals to threads.

/// Interrupts a thread blocked in `accept`, so that it serves a connection the
/// ``WaitingRoom`` has made ready, or notices that the worker is stopping.
///
/// The signal is `SIGURG`, which no part of totpgate or libfcgi uses and
/// whose default action is to be ignored; its handler does nothing, and is
/// installed without `SA_RESTART`, so the blocked call returns `EINTR`.
enum ThreadPoke {
    /// The calling thread, for ``poke(_:)``.
    typealias Thread = pthread_t

    /// Installs the handler (once per process, before any thread is poked).
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGURG, &action, nil)
    }

    static func current() -> Thread {
        pthread_self()
    }

    static func poke(_ thread: Thread) {
        pthread_kill(thread, SIGURG)
    }
}
