import Foundation
import Testing
@testable import Accounts

/// A fresh directory under the system's temporary one, removed with the value.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the directory.
    func path(_ name: String) -> String { path + "/" + name }
}

enum Fixture {
    /// A Unix time all tests start from: 2023-11-14 22:13:20 UTC.
    static let now: Int64 = 1_700_000_000
}
