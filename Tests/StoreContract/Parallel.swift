import Foundation
import Synchronization

/// Runs `run(i)` for every `i` in `0..<count`, each on a thread of its own,
/// all released at once after every `prepare(i)` (opening a connection) is
/// done; returns the results in order, or throws the first error.
func inParallel<Prepared, Result: Sendable>(
    _ count: Int, prepare: @escaping @Sendable (Int) throws -> Prepared, run: @escaping @Sendable (Prepared) throws -> Result
) throws -> [Result] {
    let results = Mutex<[Int: Swift.Result<Result, any Error>]>([:])
    let ready = DispatchSemaphore(value: 0)
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread.detachNewThread {
            defer { done.leave() }
            let prepared = Swift.Result { try prepare(index) }
            ready.signal()
            start.wait()
            let result = prepared.flatMap { value in Swift.Result { try run(value) } }
            results.withLock { $0[index] = result }
        }
    }
    for _ in 0..<count { ready.wait() }
    for _ in 0..<count { start.signal() }
    done.wait()
    return try results.withLock { results in try (0..<count).map { try results[$0]!.get() } }
}
