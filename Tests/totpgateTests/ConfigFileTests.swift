import Accounts
import Crypto
import Foundation
import Stores
import TestSupport
import Testing

/// `--config FILE` on the command line: which source wins, and how a bad file is reported.
struct ConfigFileTests {
    let directory: TemporaryDataDirectory

    init() throws {
        directory = try TemporaryDataDirectory()
    }

    /// A config file of `lines` in the temporary directory.
    func config(_ lines: String...) throws -> String {
        let path = directory.parent.appendingPathComponent("totpgate.conf").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func path(_ name: String) -> String {
        directory.parent.appendingPathComponent(name).path
    }

    @Test(arguments: [
        (["threads = 0"], ":1: threads = 0: must be a whole number from 1 to 256"),
        (["# a comment", "cookie-secure = sometimes"], ":2: cookie-secure = sometimes: must be auto, always or never"),
        (["thread = 3"], ":1: unknown key \"thread\" (README: Configuration lists the keys)"),
        (["login-url = auth.example.com/2fa/"],
         ":1: login-url = auth.example.com/2fa/: must be an https:// URL or a path, e.g. https://auth.example.com/2fa/ or /2fa/"),
    ])
    func aBadFileStopsServeWithOneLine(_ lines: [String], _ message: String) throws {
        let file = path("bad.conf")
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: file))
        let result = try run(totpgatePath, ["serve", "--config", file])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("totpgate: "))
        #expect(result.stderr.hasSuffix(message + "\n"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func aBadOptionValueIsOneLineNamingTheOption() throws {
        let result = try run(totpgatePath, ["serve", "--threads", "0"])
        #expect(result.status != 0)
        #expect(result.stderr == "totpgate: --threads 0: must be a whole number from 1 to 256\n")
    }

    @Test func aBadStoreOptionIsOneLineWithoutThePassword() throws {
        let result = try run(totpgatePath, ["user", "list", "--store", "mysql://root:hunter2@db/x", "--data-dir", directory.path])
        #expect(result.status != 0)
        #expect(result.stderr == "totpgate: --store mysql://root@db/x: unknown store \"mysql://root@db/x\": use sqlite:PATH or postgresql://…\n")
    }

    /// `--store`, then the file's store, then the data directory's totpgate.db.
    @Test func theStoreComesFromTheOptionThenTheFileThenTheDataDirectory() throws {
        let file = try config("data-dir = \(directory.path)", "store = sqlite:\(path("from-file.db"))")
        #expect(try run(totpgatePath, ["user", "add", "a", "--config", file, "--store", "sqlite:\(path("from-option.db"))"]).status == 0)
        #expect(try run(totpgatePath, ["user", "add", "b", "--config", file]).status == 0)
        #expect(try run(totpgatePath, ["user", "add", "c", "--data-dir", directory.path]).status == 0)
        for (store, user) in [(path("from-option.db"), "a"), (path("from-file.db"), "b"), (directory.path + "/totpgate.db", "c")] {
            let list = try run(totpgatePath, ["user", "list", "--data-dir", directory.path, "--store", "sqlite:" + store])
            #expect(list.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != " " }) } == [user], "\(store)")
        }
    }

    /// `user list` judges the throttle rows with the file's settings, as `serve` does.
    @Test func userCommandsUseTheFilesThrottleSettings() throws {
        #expect(try run(totpgatePath, ["user", "add", "alice", "--data-dir", directory.path]).status == 0)
        let service = try AccountServiceFactory(location: nil, dataDirectory: DataDirectory(path: directory.path))
            .service(hasher: PasswordHasher(parameters: Scrypt(n: 16, r: 1, p: 1)))
        let now = Int64(Date().timeIntervalSince1970)
        for (address, failures) in [("192.0.2.1", 4), ("192.0.2.2", 1)] {
            for _ in 0..<failures {
                _ = try service.login(name: "alice", password: "wrong horse", code: nil, client: ClientAddress(address), now: now)
            }
        }
        let file = try config("data-dir = \(directory.path)", "throttle-delay = 1000")
        let list = try run(totpgatePath, ["user", "list", "--config", file]).stdout
        #expect(list.contains(/waiting (1000|9\d\d) s/), "\(list)")
    }

    @Test func aMissingFileIsOneLine() throws {
        let result = try run(totpgatePath, ["user", "list", "--config", path("none.conf")])
        #expect(result.status != 0)
        #expect(result.stderr == "totpgate: cannot read the config file \(path("none.conf")): no such file\n")
    }

    /// `--data-dir`, then the file's data-dir, then `$TOTPGATE_DATA_DIR`.
    @Test func theDataDirectoryComesFromTheOptionThenTheFileThenTheEnvironment() throws {
        let file = try config("data-dir = \(path("from-file"))")
        let environment = ["TOTPGATE_DATA_DIR": path("from-environment")]
        #expect(try run(totpgatePath, ["user", "add", "a", "--config", file, "--data-dir", path("from-option")],
                        environment: environment).status == 0)
        #expect(try run(totpgatePath, ["user", "add", "b", "--config", file], environment: environment).status == 0)
        #expect(try run(totpgatePath, ["user", "add", "c"], environment: environment).status == 0)
        for (directory, user) in [("from-option", "a"), ("from-file", "b"), ("from-environment", "c")] {
            let list = try run(totpgatePath, ["user", "list", "--data-dir", path(directory)]).stdout
            #expect(list.split(separator: "\n").dropFirst().map { $0.prefix { $0 != " " } } == [Substring(user)], "\(directory)")
        }
    }

    /// Options override the file; the start line names the endpoint, the processes and the store.
    @Test func optionsOverrideTheFile() throws {
        let file = try config("data-dir = \(path("data"))", "socket = \(path("file.sock"))", "threads = 3", "base-path = /2fa")
        let server = try ServeProcess(["serve", "--config", file, "--socket", path("option.sock"), "--threads", "2", "--workers", "2"],
                                      log: path("serve.log"))
        let output = server.waitForLog("serving on")
        #expect(server.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: path("file.sock")))
        #expect(output.contains("serving on unix:\(path("option.sock")) (mode 660) with 2 workers of 2 threads, mounted at /2fa/; "
                                + "store: SQLite \(path("data"))/totpgate.db"), "\(output)")
    }

    /// The unit's socket for nginx and the file's TCP port for Apache's
    /// `mod_authnz_fcgi` (TCP only): every worker answers on both.
    @Test func aSocketAndATCPAddressServeAtOnce() throws {
        let address = "127.0.0.1:\(freeLoopbackPort())"
        let file = try config("data-dir = \(path("data"))", "listen = \(address)", "base-path = /2fa")
        let server = try ServeProcess(["serve", "--config", file, "--socket", path("both.sock"), "--threads", "1", "--workers", "2"],
                                      log: path("serve.log"))
        let output = server.waitForLog("serving on")
        let answers = try [path("both.sock"), address].map(loginPage(through:))
        #expect(server.stop() == 0)
        #expect(output.contains("serving on unix:\(path("both.sock")) (mode 660) and tcp:\(address) with 2 workers of 1 threads "
                                + "on each socket, "), "\(output)")
        #expect(answers.allSatisfy { $0.hasPrefix("Status: 200 OK\r\n") && $0.contains("action=\"/2fa/login\"") }, "\(answers)")
    }

    /// Under spawn-fcgi (the socket on fd 0), `listen` adds the TCP port
    /// rather than replacing the socket nginx uses.
    @Test func theSocketOnFD0AndATCPAddressServeAtOnce() throws {
        let spawnFCGI = try #require(which("spawn-fcgi"), "spawn-fcgi must be installed")
        let address = "127.0.0.1:\(freeLoopbackPort())"
        let server = try ServeProcess(
            ["serve", "--data-dir", path("data"), "--listen", address, "--base-path", "/2fa", "--threads", "1", "--workers", "2"],
            launcher: [spawnFCGI, "-n", "-s", path("fd0.sock"), "--"], log: path("serve.log"))
        let output = server.waitForLog("serving on")
        let answers = try [path("fd0.sock"), address].map(loginPage(through:))
        #expect(server.stop() == 0)
        #expect(output.contains("serving on the socket on fd 0 and tcp:\(address) with 2 workers of 1 threads on each socket, "),
                "\(output)")
        #expect(answers.allSatisfy { $0.hasPrefix("Status: 200 OK\r\n") }, "\(answers)")
    }

    /// `GET /2fa/` through libfcgi's `cgi-fcgi`, to a socket path or a TCP address.
    func loginPage(through target: String) throws -> String {
        let cgiFCGI = try #require(which("cgi-fcgi"), "cgi-fcgi (Debian's libfcgi-bin) must be installed")
        let result = try run(cgiFCGI, ["-bind", "-connect", target], environment: [
            "REQUEST_METHOD": "GET", "REQUEST_URI": "/2fa/", "DOCUMENT_URI": "/2fa/", "QUERY_STRING": "", "CONTENT_LENGTH": "0",
        ])
        return result.stdout
    }
}
