import Foundation
import TestSupport
import Testing

/// Issue 11, item 5: every failure of every command is one line
/// `totpgate: …` on stderr with a non-zero exit, saying what to do where it
/// can, and changes nothing. In the arguments, `DATA` is a data directory
/// holding the user alice and `TMP` the temporary directory around it.
struct CommandFailureTests {
    static let uri = "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP"

    @Test(arguments: [
        // A wrong command name lists the commands there are.
        (["nonsense"], nil as String?, "unknown command \"nonsense\"; the commands of `totpgate` are serve, user, keygen, code"),
        (["user", "nonsense"], nil, "the commands of `totpgate user` are add, list, delete, passwd, reset-2fa, unlock, logout, groups"),
        (["store", "nonsense"], nil, "the commands of `totpgate store` are migrate"),
        // Missing users.
        (["user", "delete", "bob", "--data-dir", "DATA"], nil, "no user named bob"),
        (["user", "passwd", "bob", "--data-dir", "DATA"], nil, "no user named bob"),
        (["user", "groups", "bob", "--data-dir", "DATA"], nil, "no user named bob"),
        // Bad or unreadable secrets.
        (["code", "--secret", "JBSW1Y3DP"], nil, "--secret: invalid base32 character \"1\""),
        (["code"], nil, "give the secret with --secret-file FILE or --secret-stdin"),
        (["code", "--secret", "JBSWY3DPEHPK3PXP", "--secret-stdin"], nil, "give one of --secret, --secret-file and --secret-stdin"),
        (["code", "--secret-file", "TMP/no-such-secret"], nil, "cannot read TMP/no-such-secret: No such file or directory"),
        (["code", "--secret-stdin"], "not base32!\n", "--secret: invalid base32 character"),
        (["uri", "--secret-file", "TMP", "--account", "a"], nil, "read TMP: Is a directory"),
        (["user", "add", "bob", "--totp-secret-file", "TMP/no-such-secret", "--data-dir", "DATA"], nil, "cannot read TMP/no-such-secret"),
        (["user", "add", "bob", "--totp-secret-stdin", "--data-dir", "DATA"], "JBSWY3DPEHPK3PXP\n", "at least 128 are required"),
        (["user", "add", "bob", "--password-stdin", "--totp-secret-stdin", "--data-dir", "DATA"], nil,
         "cannot both come on standard input; give the secret with --totp-secret-file"),
        // Unreadable config, bad store URLs, data directories that are not there.
        (["user", "list", "--config", "TMP/no.conf"], nil, "cannot read the config file TMP/no.conf"),
        (["user", "list", "--store", "mysql://db/x", "--data-dir", "DATA"], nil, "unknown store \"mysql://db/x\": use sqlite:PATH or postgresql://"),
        (["user", "list", "--data-dir", "TMP/typo"], nil, "no data directory at TMP/typo; give the right one with --data-dir"),
        (["user", "add", "bob", "--data-dir", "TMP/no/such"], nil, "cannot create the data directory TMP/no/such: TMP/no does not exist"),
        (["keygen", "--data-dir", "DATA/totpgate.db"], nil, "DATA/totpgate.db is not a directory"),
        (["store", "migrate", "--from", "sqlite:TMP/none.db", "--to", "sqlite:TMP/copy.db", "--data-dir", "DATA"], nil,
         "no store at SQLite TMP/none.db"),
        (["store", "migrate", "--from", "DATA", "--to", "sqlite:TMP/copy.db", "--data-dir", "DATA"], nil, "--from: unknown store"),
        // Unwritable output files.
        (["qr", "--uri", uri, "--png", "TMP/no/such/qr.png"], nil, "cannot write TMP/no/such/qr.png: No such file or directory"),
        (["qr", "--uri", uri, "--svg", "TMP"], nil, "cannot write TMP: Is a directory"),
        (["serve", "--data-dir", "DATA", "--socket", "TMP/no/such/totpgate.sock"], nil, "cannot bind TMP/no/such/totpgate.sock"),
    ])
    func failsInOneLineAndChangesNothing(_ arguments: [String], _ input: String?, _ message: String) throws {
        let data = try TemporaryDataDirectory()
        #expect(try run(totpgatePath, ["user", "add", "alice", "--data-dir", data.path]).status == 0)
        let before = try tree(data.parent.path)
        let filled = arguments.map { $0.replacingOccurrences(of: "DATA", with: data.path).replacingOccurrences(of: "TMP", with: data.parent.path) }
        let result = try run(totpgatePath, filled, input: input)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("totpgate: "))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        let expected = message.replacingOccurrences(of: "DATA", with: data.path).replacingOccurrences(of: "TMP", with: data.parent.path)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(try tree(data.parent.path) == before, "nothing changed")
    }
}

/// Every path under `root`, and each file's size and modification time: what
/// a command that changes nothing leaves as it was. (A directory's own time
/// moves when SQLite makes and removes its journal beside the database.)
func tree(_ root: String) throws -> [String: String] {
    var entries: [String: String] = [:]
    let manager = FileManager.default
    for name in try manager.subpathsOfDirectory(atPath: root) {
        let attributes = try manager.attributesOfItem(atPath: root + "/" + name)
        entries[name] = attributes[.type] as? FileAttributeType == .typeDirectory
            ? "directory" : "\(attributes[.size] ?? 0) \(attributes[.modificationDate].map { "\($0)" } ?? "")"
    }
    return entries
}
