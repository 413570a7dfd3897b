import Accounts
import Encoding
import Foundation
import OTP
import Stores
import TestSupport
import Testing

/// A data directory path inside a fresh temporary directory, removed afterwards.
final class TemporaryDataDirectory {
    private let temporary: TemporaryDirectory
    var parent: URL { URL(fileURLWithPath: temporary.path) }
    var path: String { temporary.path("var") }

    init() throws {
        temporary = try TemporaryDirectory()
    }

    /// The permission bits of a file in the data directory.
    func mode(_ name: String = "") throws -> Int {
        let path = name.isEmpty ? path : path + "/" + name
        return try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// The bytes of every file in the data directory.
    func contents() throws -> [UInt8] {
        try FileManager.default.contentsOfDirectory(atPath: path)
            .flatMap { try [UInt8](Data(contentsOf: URL(fileURLWithPath: path + "/" + $0))) }
    }
}

struct UserCommandTests {
    let data: TemporaryDataDirectory
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  // 160 bits

    init() throws {
        data = try TemporaryDataDirectory()
    }

    func user(_ arguments: String..., input: String? = nil) throws -> ProcessResult {
        try user(arguments, input: input)
    }

    func user(_ arguments: [String], input: String? = nil) throws -> ProcessResult {
        try run(totpgatePath, ["user"] + arguments + ["--data-dir", data.path], input: input)
    }

    /// Where the test's logins come from.
    let client = ClientAddress("192.0.2.1")

    /// The service over the test's data directory, to check what the commands did.
    func service() throws -> AccountService {
        try AccountServiceFactory(location: nil, dataDirectory: DataDirectory(path: data.path)).service(hasher: PasswordHasher())
    }

    @Test func addGeneratesAPasswordAndPrintsItOnce() throws {
        let result = try user("add", "alice")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let passwordLines = lines.filter { $0.hasPrefix("password: ") }
        #expect(passwordLines.count == 1)
        let password = String(try #require(passwordLines.first).dropFirst("password: ".count))
        #expect(password.count == 23)
        #expect(result.stdout.contains("QR code"))
        guard case .needsEnrolment = try service().login(name: "alice", password: password, code: nil, client: client, now: 0) else {
            Issue.record("the printed password does not log in")
            return
        }
    }

    @Test func addReadsThePasswordFromStandardInput() throws {
        let result = try user("add", "alice", "--password-stdin", input: "correct horse\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("password:"))
        #expect(try service().login(name: "alice", password: "correct horse", code: nil, client: client, now: 0) != .refused(.failed))
    }

    @Test func addWithASecretEnrolsAndPrintsTenRecoveryCodes() throws {
        let result = try user("add", "alice", "--password-stdin", "--totp-secret", secret, input: "correct horse\n")
        #expect(result.status == 0, "\(result.stderr)")
        let codes = result.stdout.split(separator: "\n").filter { $0.hasPrefix("recovery code: ") }
        #expect(codes.count == 10)
        let code = try TOTP(secret: Base32.decode(secret)).code(at: 1_000_000_000)
        guard case .success = try service().login(name: "alice", password: "correct horse", code: code, client: client, now: 1_000_000_000) else {
            Issue.record("the enrolled secret does not log in")
            return
        }
    }

    @Test func keepsKeysAndDatabasePrivateWithNoPlaintextSecret() throws {
        #expect(try user("add", "alice", "--password-stdin", "--totp-secret", secret, input: "correct horse\n").status == 0)
        #expect(try data.mode() == 0o700)
        #expect(try data.mode("secrets.key") == 0o600)
        #expect(try data.mode("totpgate.db") == 0o600)
        let bytes = try data.contents()
        #expect(!bytes.isEmpty)
        for needle in [Array(secret.utf8), try Base32.decode(secret), Array("correct horse".utf8)] {
            #expect(!contains(bytes, needle))
        }
    }

    @Test func listShowsUsersAndTheirState() throws {
        #expect(try user("add", "bob").status == 0)
        #expect(try user("add", "alice", "--totp-secret", secret).status == 0)
        let lines = try user("list").stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.count == 3)
        #expect(lines[1].prefix(5) == ["alice", "enrolled", "active", "0", "10"])
        #expect(lines[2].prefix(5) == ["bob", "none", "active", "0", "0"])
    }

    @Test func theEnvironmentNamesTheDefaultDataDirectory() throws {
        let result = try run(totpgatePath, ["user", "add", "alice"], environment: ["TOTPGATE_DATA_DIR": data.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try user("list").stdout.contains("alice"))
    }

    @Test func passwdSetsTheNewPasswordAndEndsSessions() throws {
        #expect(try user("add", "alice", "--password-stdin", input: "correct horse\n").status == 0)
        #expect(try user("passwd", "alice", "--password-stdin", input: "battery staple\n").status == 0)
        let service = try service()
        #expect(try service.login(name: "alice", password: "correct horse", code: nil, client: client, now: 0) == .refused(.failed))
        #expect(try service.login(name: "alice", password: "battery staple", code: nil, client: client, now: 0) != .refused(.failed))
        #expect(try service.store.user(named: "alice")?.sessionGeneration == 1)
    }

    @Test func passwdWithoutStandardInputGeneratesAPasswordAndPrintsItOnce() throws {
        #expect(try user("add", "alice", "--password-stdin", input: "correct horse\n").status == 0)
        let result = try user("passwd", "alice")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("password: ") }
        let password = String(try #require(lines.first).dropFirst("password: ".count))
        #expect(lines.count == 1 && password.count == 23)
        #expect(try service().login(name: "alice", password: password, code: nil, client: client, now: 0) != .refused(.failed))
    }

    /// The secret need not be on the command line, where `ps` shows it: a file or standard input do,
    /// with the `=` padding and line break they may carry.
    @Test(arguments: [
        (["--totp-secret-file", "FILE"], nil as String?), (["--totp-secret-stdin"], "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n"),
        (["--totp-secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE======"], nil),
    ])
    func addTakesTheSecretFromAFileOrStandardInput(_ options: [String], _ input: String?) throws {
        let file = data.parent.appendingPathComponent("secret.txt").path
        try "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try user(["add", "alice"] + options.map { $0 == "FILE" ? file : $0 }, input: input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("two-factor: enrolled"))
        #expect(try service().store.user(named: "alice")?.isEnrolled == true)
    }

    @Test func resetRemovesTheSecondFactor() throws {
        #expect(try user("add", "alice", "--totp-secret", secret).status == 0)
        #expect(try user("reset-2fa", "alice").status == 0)
        #expect(try service().store.user(named: "alice")?.isEnrolled == false)
    }

    @Test func unlockClearsFailures() throws {
        #expect(try user("add", "alice").status == 0)
        let service = try service()
        // Ten failures spaced past every delay, the last a little before now: locked for the next hour.
        let now = Int64(Date().timeIntervalSince1970)
        for minutes in stride(from: Int64(-100), to: 0, by: 10) {
            _ = try service.login(name: "alice", password: "wrong horse", code: nil, client: client, now: now + minutes * 60)
        }
        #expect(try service.login(name: "alice", password: "wrong horse", code: nil, client: client, now: now) == .refused(.locked))
        #expect(try user("list").stdout.contains("1 address locked"))
        #expect(try user("unlock", "alice").status == 0)
        #expect(try service.login(name: "alice", password: "wrong horse", code: nil, client: client, now: now) == .refused(.failed))
    }

    @Test func logoutEndsEverySession() throws {
        #expect(try user("add", "alice").status == 0)
        #expect(try user("logout", "alice").status == 0)
        #expect(try service().store.user(named: "alice")?.sessionGeneration == 1)
    }

    @Test func groupsAreGivenAtAddAndChangedLater() throws {
        #expect(try user("add", "alice", "--group", "Admins", "--group", "staff").status == 0)
        #expect(try user("groups", "alice", "--add", "wiki", "--remove", "STAFF").stdout == "groups of alice: admins, wiki\n")
        #expect(try user("groups", "alice").stdout == "groups of alice: admins, wiki\n")
        #expect(try user("list").stdout.contains(" admins,wiki "))
        #expect(try user("groups", "alice", "--remove", "admins", "--remove", "wiki").stdout == "groups of alice: none\n")
    }

    @Test func deleteRemovesTheUser() throws {
        #expect(try user("add", "alice").status == 0)
        #expect(try user("delete", "alice").status == 0)
        #expect(try user("list").stdout == "no users\n")
    }

    @Test(arguments: [
        (["add", "alice"], nil as String?, "a user named alice already exists"),
        (["add", "ALICE"], nil, "a user named ALICE already exists"),
        (["delete", "bob"], nil, "no user named bob"),
        (["passwd", "bob", "--password-stdin"], "battery staple\n", "no user named bob"),
        (["reset-2fa", "bob"], nil, "no user named bob"),
        (["unlock", "bob"], nil, "no user named bob"),
        (["logout", "bob"], nil, "no user named bob"),
        (["groups", "bob", "--add", "staff"], nil, "no user named bob"),
        (["groups", "alice", "--add", "a b"], nil, "invalid group name \"a b\""),
        (["add", "bob", "--group", "a,b"], nil, "invalid group name \"a,b\""),
        (["passwd", "alice", "--password-stdin"], "", "the password is empty"),
        (["add", "bob", "--password-stdin"], "\n", "the password is empty"),
        (["add", "bob", "--password-stdin"], "short\n", "the password has 5 characters"),
        (["add", "bob", "--totp-secret", "JBSWY3DPEHPK3PXP"], nil, "at least 128 are required"),
        (["add", "bob", "--totp-secret", "JBSWY3DP!HPK3PXPJBSWY3DPEHPK3PXP"], nil, "invalid base32 character"),
        (["add", "b:b"], nil, "invalid user name"),
        (["add", ""], nil, "invalid user name"),
    ])
    func failsClearly(_ arguments: [String], _ input: String?, _ message: String) throws {
        #expect(try user("add", "alice").status == 0)
        let result = try run(totpgatePath, ["user"] + arguments + ["--data-dir", data.path], input: input)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("totpgate: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(try user("list").stdout.split(separator: "\n").count == 2, "nothing changed")
    }
}

/// Whether `needle` occurs in `haystack`.
func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}
