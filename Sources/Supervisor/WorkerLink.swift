internal import CLinux
import Glibc
import SystemIO

/// The worker's side of its bond with the master.
public enum WorkerLink {
    /// Called first in a worker process, before any thread starts. The worker
    /// gets SIGTERM when the master dies (`PR_SET_PDEATHSIG`), and exits at
    /// once if the master died before that was set. SIGTERM and SIGINT are
    /// left for ``waitForStop()``; SIGHUP is the master's alone (it reloads by
    /// starting new workers).
    public static func attach(toMaster master: Int32) throws(IOError) {
        var stops = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGTERM)
        sigaddset(&stops, SIGINT)
        pthread_sigmask(SIG_BLOCK, &stops, nil)
        signal(SIGHUP, SIG_IGN)
        try systemCall("prctl PR_SET_PDEATHSIG") { clinux_set_parent_death_signal(SIGTERM) }
        // The master may have died before the line above; then nobody would send the signal.
        if getppid() != master { exit(0) }
    }

    /// Tells the master how the start went, once.
    public static func report(_ report: WorkerReport) {
        // A master that has gone away has nobody left to tell.
        try? FileDescriptorIO.writeAll(Array(report.line.utf8), to: WorkerDescriptors.status, path: "the status pipe")
        close(WorkerDescriptors.status)
    }

    /// The config file's text as the master read it.
    public static func configurationText() throws(IOError) -> String {
        try InheritedText.read(WorkerDescriptors.configuration)
    }

    /// Waits for SIGTERM (from the master, or from the master's death) or SIGINT.
    public static func waitForStop() {
        var stops = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGTERM)
        sigaddset(&stops, SIGINT)
        var received: Int32 = 0
        while sigwait(&stops, &received) != 0 {}
    }
}
