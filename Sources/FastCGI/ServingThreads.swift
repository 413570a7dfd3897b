import Foundation
import Synchronization

/// Starting the threads that serve: the accept loops, the login lane.
enum ServingThreads {
    /// Starts `count` threads named `name-<index>`. Each first makes what it
    /// serves with (`setUp`, on the thread itself, so that the thread owns it,
    /// e.g. a database connection), then serves with it until done (`serve`).
    /// Returns once every thread is set up, with the first error a set-up
    /// threw, if any: the caller then stops the threads that did start.
    /// `finished` is entered for each thread and left when it ends.
    static func start<Tools>(
        _ count: Int, named name: String, finished: DispatchGroup,
        setUp: @escaping @Sendable (Int) throws -> Tools, serve: @escaping @Sendable (Int, Tools) -> Void
    ) -> (any Error)? {
        let started = DispatchGroup()
        let failure = Mutex<(any Error)?>(nil)
        for index in 0..<count {
            started.enter()
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                let tools: Tools
                do {
                    tools = try setUp(index)
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                    started.leave()
                    return
                }
                started.leave()
                serve(index, tools)
            }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        started.wait()
        return failure.withLock { $0 }
    }
}
