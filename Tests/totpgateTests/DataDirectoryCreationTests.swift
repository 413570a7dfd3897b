import Foundation
import TestSupport
import Testing

/// Issue 11, item 6: only the commands meant to create state (`user add`,
/// `keygen`, `serve`) create the data directory, its keys and the SQLite
/// file; the others fail with `totpgate: no data directory at …` (or no key,
/// or no database) and create nothing, with the SQLite store or PostgreSQL.
struct DataDirectoryCreationTests {
    /// The commands that only read or change accounts that exist.
    static let readOnlyCommands: [[String]] = [
        ["user", "list"], ["user", "passwd", "alice"], ["user", "reset-2fa", "alice"], ["user", "unlock", "alice"],
        ["user", "logout", "alice"], ["user", "groups", "alice"], ["user", "delete", "alice"],
        ["store", "migrate", "--from", "sqlite:TMP/a.db", "--to", "sqlite:TMP/b.db"],
        ["access", "check", "--user", "alice", "--url", "https://app.example.com/"],
    ]

    let temporary: TemporaryDataDirectory
    var root: String { temporary.parent.path }

    init() throws {
        temporary = try TemporaryDataDirectory()
    }

    func totpgate(_ arguments: [String], dataDirectory: String) throws -> ProcessResult {
        try run(totpgatePath, arguments.map { $0.replacingOccurrences(of: "TMP", with: root) } + ["--data-dir", dataDirectory])
    }

    func expectRefused(_ result: ProcessResult, saying message: String) {
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("totpgate: \(message)"), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    }

    /// Was: `user list --data-dir <typo>` made a directory, keys and a database, and printed "no users".
    @Test(arguments: readOnlyCommands)
    func aMissingDataDirectoryIsRefusedAndNotCreated(_ command: [String]) throws {
        let typo = root + "/typo"
        expectRefused(try totpgate(command, dataDirectory: typo), saying: "no data directory at \(typo); give the right one")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
    }

    /// With PostgreSQL the data directory still holds the keys: a host without them must not make new ones.
    @Test(arguments: readOnlyCommands.filter { $0[0] == "user" })
    func aPostgreSQLStoreStillNeedsTheDataDirectory(_ command: [String]) throws {
        let typo = root + "/typo"
        // Refused before any connection: no server listens on port 1.
        let result = try totpgate(command + ["--store", "postgresql://totpgate@127.0.0.1:1/totpgate"], dataDirectory: typo)
        expectRefused(result, saying: "no data directory at \(typo)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
    }

    @Test(arguments: readOnlyCommands)
    func aDataDirectoryWithoutKeysGetsNone(_ command: [String]) throws {
        try FileManager.default.createDirectory(atPath: temporary.path, withIntermediateDirectories: false)
        expectRefused(try totpgate(command, dataDirectory: temporary.path),
                      saying: "no secrets.key in the data directory \(temporary.path); hosts sharing a store copy it")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
    }

    @Test(arguments: readOnlyCommands.filter { $0[0] == "user" })
    func keysWithoutADatabaseGetNoDatabase(_ command: [String]) throws {
        #expect(try totpgate(["keygen"], dataDirectory: temporary.path).status == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: temporary.path).sorted()
        expectRefused(try totpgate(command, dataDirectory: temporary.path),
                      saying: "no store at SQLite \(temporary.path)/totpgate.db; check --data-dir and --store")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).sorted() == before)
    }

    @Test(arguments: [["user", "add", "alice"], ["keygen"]])
    func theCommandsThatCreateStateCreateThePrivateDataDirectory(_ command: [String]) throws {
        let result = try totpgate(command, dataDirectory: temporary.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try temporary.mode() == 0o700)
        #expect(try temporary.mode("secrets.key") == 0o600)
    }

    /// The first host of a shared store makes both keys with `keygen`, for the others to copy; a second
    /// `keygen` rotates the cookie key only: the secrets key is never replaced.
    @Test func keygenMakesTheSecretsKeyOnceAndNeverReplacesIt() throws {
        #expect(try totpgate(["keygen"], dataDirectory: temporary.path).stdout.contains("secrets key written to"))
        let key = try Data(contentsOf: URL(fileURLWithPath: temporary.path + "/secrets.key"))
        let again = try totpgate(["keygen"], dataDirectory: temporary.path)
        #expect(again.status == 0 && !again.stdout.contains("secrets key"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: temporary.path + "/secrets.key")) == key)
    }

    @Test func theCommandsWorkOnceTheFirstUserMadeTheDataDirectory() throws {
        #expect(try totpgate(["user", "add", "alice"], dataDirectory: temporary.path).status == 0)
        for command in Self.readOnlyCommands.filter({ $0[0] == "user" }) {
            let result = try totpgate(command, dataDirectory: temporary.path)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
    }
}
