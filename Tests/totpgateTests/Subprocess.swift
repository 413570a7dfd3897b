import Foundation
import TestSupport

/// The `totpgate` binary built next to this test bundle.
let totpgatePath: String = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("totpgate").path

/// Runs the built `totpgate` binary.
func totpgate(_ arguments: String..., input: String? = nil) throws -> ProcessResult {
    try run(totpgatePath, arguments, input: input)
}
