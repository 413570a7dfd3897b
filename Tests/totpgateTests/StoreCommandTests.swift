import Accounts
import Encoding
import Foundation
import OTP
import Stores
import TestSupport
import Testing

struct StoreCommandTests {
    let data: TemporaryDataDirectory
    var source: String { "sqlite:\(data.path)/totpgate.db" }
    var target: String { "sqlite:\(data.parent.path)/copy.db" }

    init() throws {
        data = try TemporaryDataDirectory()
        let added = try run(totpgatePath, ["user", "add", "alice", "--password-stdin", "--totp-secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                                           "--data-dir", data.path], input: "correct horse\n")
        #expect(added.status == 0, "\(added.stderr)")
    }

    func migrate(from: String, to: String) throws -> ProcessResult {
        try run(totpgatePath, ["store", "migrate", "--from", from, "--to", to, "--data-dir", data.path])
    }

    @Test func copiesEveryAccountIntoAnEmptyStoreWhereTheyLogIn() throws {
        let result = try migrate(from: source, to: target)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("copied 1 users, 10 recovery codes, 0 revoked sessions"))
        let copy = try AccountServiceFactory(location: StoreLocation(target), dataDirectory: DataDirectory(path: data.path))
            .service(hasher: PasswordHasher())
        let code = try TOTP(secret: Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")).code(at: 1_000_000_000)
        guard case .success = try copy.login(name: "alice", password: "correct horse", code: code, client: ClientAddress("192.0.2.1"),
                                             now: 1_000_000_000) else {
            Issue.record("the copied account does not log in")
            return
        }
    }

    @Test func refusesATargetThatHoldsDataAndChangesNothing() throws {
        #expect(try migrate(from: source, to: target).status == 0)
        let again = try migrate(from: source, to: target)
        #expect(again.status != 0)
        #expect(again.stderr == "totpgate: SQLite \(data.parent.path)/copy.db already holds data; migrate only into an empty store\n")
        let copy = try StoreLocation(target).open(keys: AccountKeys(dataDirectory: DataDirectory(path: data.path)))
        #expect(try copy.allUsers().map(\.name) == ["alice"])
    }

    /// Arguments (`DIR` is a fresh directory, `DATA` the data directory) → the error.
    @Test(arguments: [
        (["--from", "mysql://root:hunter2@db/x", "--to", "sqlite:DIR/x.db"], "--from: unknown store \"mysql://root@db/x\""),
        (["--from", "sqlite:DIR/a.db", "--to", "sqlite:DIR/a.db"], "--from and --to both name SQLite DIR/a.db"),
        (["--from", "sqlite:DATA/totpgate.db", "--to", "postgresql://totpgate:hunter2@db/x"], "PostgreSQL postgresql://totpgate@db/x"),
        (["--from", "sqlite:DIR/a.db", "--to", "sqlite:DIR/b.db"], "no store at SQLite DIR/a.db"),
    ])
    func failsClearlyWithoutShowingAPassword(_ arguments: [String], _ message: String) throws {
        let directory = try TemporaryDirectory()
        let arguments = arguments.map {
            $0.replacingOccurrences(of: "DIR", with: directory.path).replacingOccurrences(of: "DATA", with: data.path)
        }
        let message = message.replacingOccurrences(of: "DIR", with: directory.path)
        let result = try run(totpgatePath, ["store", "migrate"] + arguments + ["--data-dir", data.path])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("totpgate: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2"))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    }
}
