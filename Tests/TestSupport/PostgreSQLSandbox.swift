import Foundation
import Testing

/// The throwaway server `scripts/postgres-sandbox` started for this test run.
public enum Sandbox {
    /// The variable holding the sandbox's URL.
    public static let urlVariable = "TOTPGATE_TEST_POSTGRES_URL"
    /// Set to 1 to skip (visibly) the tests that need a server.
    public static let skipVariable = "TOTPGATE_SKIP_POSTGRES"

    /// Whether the run was told to skip them: only an explicit 1 counts.
    public static let isSkipped = ProcessInfo.processInfo.environment[skipVariable] == "1"

    /// The sandbox's URL; without one, a failure that says how to get one.
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            """
            these tests need a PostgreSQL server and \(Sandbox.urlVariable) is not set: \
            run them with `make test`, or `scripts/postgres-sandbox run swift test`; \
            set \(Sandbox.skipVariable)=1 to skip them
            """
        }
    }
}

/// A trait for suites that need the sandbox: skipped, and reported as such,
/// only when ``Sandbox/skipVariable`` says so.
extension Trait where Self == ConditionTrait {
    public static var needsPostgreSQL: Self {
        .disabled(if: Sandbox.isSkipped, "\(Sandbox.skipVariable)=1")
    }
}

/// A database of its own in the sandbox, dropped with the value, which a test
/// may cut off: its connections ended and new ones refused, as a database
/// server gone away looks to its clients. Administered through `psql`.
public final class SandboxDatabase {
    public let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    private let sandbox: String

    public init() throws {
        sandbox = try Sandbox.url()
        try Self.psql(sandbox, "CREATE DATABASE \(name)")
    }

    deinit { try? Self.psql(sandbox, "DROP DATABASE \(name) WITH (FORCE)") }

    /// The sandbox's URL, naming this database.
    public var url: String {
        sandbox.replacing(/^(postgres(?:ql)?:\/\/[^\/?]*)\/[^?]*/) { "\($0.1)/\(name)" }
    }

    /// Ends every connection to the database and refuses new ones.
    public func cutOff() throws {
        try Self.psql(sandbox, """
            ALTER DATABASE \(name) ALLOW_CONNECTIONS false;
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)';
            """)
    }

    private static func psql(_ url: String, _ script: String) throws {
        let psql = try #require(which("psql"), "psql (Debian's postgresql-client) is needed")
        let result = try run(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", script])
        try #require(result.status == 0, "psql: \(result.stderr)")
    }
}
