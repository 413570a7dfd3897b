/// Stops the run when a property does not hold. The crash is what libFuzzer
/// watches for: it saves the input and prints `message`. (`fatalError`, not
/// `precondition`, which drops its message in optimised builds.)
public func require(_ condition: Bool, _ message: @autoclosure () -> String, line: UInt = #line) {
    if !condition { fatalError("property failed: \(message())", line: line) }
}
