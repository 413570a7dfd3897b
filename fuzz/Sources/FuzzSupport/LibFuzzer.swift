internal import CLibFuzzer
import Glibc

// The only file that touches libFuzzer: its C entry points and the input's pointer stay here.

/// Runs libFuzzer with the command line's options (corpus directories,
/// `-runs=`, …), calling `check` with each input it makes; exits with its status.
///
/// A fuzz target is an executable whose `main` calls this: SwiftPM gives
/// every executable a `main` of its own, so libFuzzer's would never run.
public func runFuzzer(_ check: @escaping ([UInt8]) -> Void) -> Never {
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
