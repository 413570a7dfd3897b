/// The descriptors a worker process inherits from the master, at fixed numbers.
public enum WorkerDescriptors {
    /// The listening socket, shared by every worker.
    public static let listener: Int32 = 3
    /// A second listening socket, when the master listens on two (a TCP port
    /// beside the unix socket); closed otherwise.
    public static let secondListener: Int32 = 7
    /// The write end of the worker's status pipe: one ``WorkerReport`` line.
    static let status: Int32 = 4
    /// The shared counters (``SharedCounters``).
    public static let counters: Int32 = 5
    /// The config file's text as the master read (and checked) it, when there is a config file.
    static let configuration: Int32 = 6
}
