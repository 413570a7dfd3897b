import Foundation

/// A fresh directory under the system's temporary one, removed with the value.
public final class TemporaryDirectory: Sendable {
    /// Where it is.
    public let path: String

    /// Creates the directory.
    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("totpgate-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the directory.
    public func path(_ name: String) -> String { path + "/" + name }
}
