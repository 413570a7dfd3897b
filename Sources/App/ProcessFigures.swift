import Foundation
import Glibc

/// Resident memory and open descriptors of a few processes, read from `/proc`.
struct ProcessFigures: Equatable {
    var residentBytes = 0
    var openDescriptors = 0

    /// The sums over `processes` (this process alone when the list is empty,
    /// as when no master runs it). A process that has exited meanwhile, or
    /// whose `/proc` entries this one may not read, adds nothing.
    static func of(_ processes: [pid_t]) -> ProcessFigures {
        var figures = ProcessFigures()
        for pid in processes.isEmpty ? [getpid()] : processes {
            // statm: total and resident sizes, in pages.
            if let statm = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8),
               let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
                figures.residentBytes += pages * Int(sysconf(Int32(_SC_PAGESIZE)))
            }
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") {
                figures.openDescriptors += entries.count
            }
        }
        return figures
    }
}
