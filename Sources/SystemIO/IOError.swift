#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call that failed: what was being done, and the `errno` it left
/// (swift-nio's `IOError(errnoCode:reason:)`). Every POSIX call of totpgate
/// goes through ``systemCall(_:_:)``, so every such failure reads alike:
/// `open /var/lib/totpgate/cookie.keys: Permission denied`.
public struct IOError: Error, Equatable, CustomStringConvertible {
    /// The `errno` value.
    public let errnoCode: Int32
    /// The operation and what it acted on, e.g. `open /var/lib/totpgate/cookie.keys`.
    public let reason: String

    public init(errnoCode: Int32, reason: String) {
        self.errnoCode = errnoCode
        self.reason = reason
    }

    public var description: String {
        "\(reason): \(String(cString: strerror(errnoCode)))"
    }
}

/// Runs the system call `call`, again while it is interrupted by a signal
/// (`EINTR`), and returns its result; a result of -1 throws the `errno` it
/// left as an ``IOError`` saying `reason`. Not for `close`, which must never
/// be retried.
@discardableResult
public func systemCall<Result: FixedWidthInteger & SignedInteger>(
    _ reason: @autoclosure () -> String, _ call: () -> Result
) throws(IOError) -> Result {
    while true {
        let result = call()
        guard result == -1 else { return result }
        let code = errno
        if code != EINTR { throw IOError(errnoCode: code, reason: reason()) }
    }
}
