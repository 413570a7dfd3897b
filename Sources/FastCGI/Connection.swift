/// An accepted FastCGI connection: its descriptor, which it owns, and the
/// moment by which its request must have arrived.
///
/// One party holds a connection at a time (the thread that accepted or serves
/// it, or the ``WaitingRoom``), and hands it on through the room's lock; only
/// the holder uses or closes the descriptor. So a descriptor number is never
/// used after it was closed and the kernel gave it to another connection.
final class Connection: @unchecked Sendable {
    // @unchecked: see above; it moves between threads only through a lock.

    let descriptor: Int32
    /// When the request (or the next one, on a kept connection) must be complete.
    var deadline: ContinuousClock.Instant

    init(descriptor: Int32, deadline: ContinuousClock.Instant) {
        self.descriptor = descriptor
        self.deadline = deadline
    }

    /// Closes the descriptor; the connection is not used again.
    func close() {
        ConnectionCalls.close(descriptor)
    }
}
