internal import CLibFuzzer
import Glibc

// The only file that touches libFuzzer: its C entry points and the input's pointer stay here.

/// A libFuzzer target: the `@main` type of a fuzz executable. Its `main`
/// runs libFuzzer with the command line's options (corpus directories,
/// `-runs=`, …) and calls `check` with each input libFuzzer makes.
///
/// (SwiftPM gives every executable a `main` of its own, so libFuzzer's, which
/// `-sanitize=fuzzer` would bring, could never run.)
public protocol FuzzTarget {
    /// Checks one input; a property that does not hold stops the run (``require(_:_:line:)``).
    static func check(_ bytes: [UInt8])
}

extension FuzzTarget {
    public static func main() {
        runFuzzer(check)
    }
}

/// Runs libFuzzer, calling `check` with each input; exits with its status.
private func runFuzzer(_ check: @escaping ([UInt8]) -> Void) -> Never {
    currentCheck = check
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in LLVMFuzzerTestOneInput(data, size) })
}

/// Set once, before libFuzzer starts, and only read after.
nonisolated(unsafe) private var currentCheck: ([UInt8]) -> Void = { _ in }

/// libFuzzer's callback, under the name its runtime also links against.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    currentCheck(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
