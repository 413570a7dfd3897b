import Foundation
import TestSupport

/// Runs the built `totpgate` binary.
func totpgate(_ arguments: String..., input: String? = nil) throws -> ProcessResult {
    try run(totpgatePath, arguments, input: input)
}
