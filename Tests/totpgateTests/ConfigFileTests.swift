import Foundation
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

    /// `totpgate serve` with `arguments` (under `launcher`, such as
    /// spawn-fcgi, when given), stopped (SIGTERM) once `socket` exists, with
    /// `whileServing` run in between; its output and exit status.
    func serve(_ arguments: [String], launcher: [String] = [], until socket: String,
               whileServing: () throws -> Void = {}) throws -> (String, Int32) {
        let command = launcher + [totpgatePath, "serve"] + arguments
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let log = Pipe()
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket), process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        if FileManager.default.fileExists(atPath: socket) { try whileServing() }
        process.terminate()
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (output, process.terminationStatus)
    }

    /// Options override the file; the start line names the endpoint and the store.
    @Test func optionsOverrideTheFile() throws {
        let file = try config("data-dir = \(path("data"))", "socket = \(path("file.sock"))", "threads = 3", "base-path = /2fa")
        let (output, status) = try serve(["--config", file, "--socket", path("option.sock"), "--threads", "2"], until: path("option.sock"))
        #expect(!FileManager.default.fileExists(atPath: path("file.sock")))
        #expect(status == 0)
        #expect(output.contains("serving on unix:\(path("option.sock")) (mode 660) with 2 threads, mounted at /2fa/; "
                                + "store: SQLite \(path("data"))/totpgate.db"), "\(output)")
    }

    /// The unit's socket for nginx and the file's TCP port for Apache's
    /// `mod_authnz_fcgi` (TCP only): one process answers on both.
    @Test func aSocketAndATCPAddressServeAtOnce() throws {
        let address = "127.0.0.1:\(freeLoopbackPort())"
        let file = try config("data-dir = \(path("data"))", "listen = \(address)", "base-path = /2fa")
        var answers: [String] = []
        let (output, status) = try serve(["--config", file, "--socket", path("both.sock"), "--threads", "1"], until: path("both.sock")) {
            for target in [path("both.sock"), address] { answers.append(try loginPage(through: target)) }
        }
        #expect(status == 0)
        #expect(output.contains("serving on unix:\(path("both.sock")) (mode 660) and tcp:\(address) with 1 threads each, "), "\(output)")
        #expect(answers.count == 2 && answers.allSatisfy { $0.hasPrefix("Status: 200 OK\r\n") && $0.contains("action=\"/2fa/login\"") },
                "\(answers)")
    }

    /// Under spawn-fcgi (the socket on fd 0), `listen` adds the TCP port
    /// rather than replacing the socket nginx uses.
    @Test func theSocketOnFD0AndATCPAddressServeAtOnce() throws {
        let spawnFCGI = try #require(which("spawn-fcgi"), "spawn-fcgi must be installed")
        let address = "127.0.0.1:\(freeLoopbackPort())"
        var answers: [String] = []
        let arguments = ["--data-dir", path("data"), "--listen", address, "--base-path", "/2fa", "--threads", "1"]
        let (output, status) = try serve(arguments, launcher: [spawnFCGI, "-n", "-s", path("fd0.sock"), "--"],
                                         until: path("fd0.sock")) {
            // spawn-fcgi makes the socket before totpgate starts: wait for its start line's second endpoint.
            let deadline = Date().addingTimeInterval(10)
            while (try? loginPage(through: address))?.hasPrefix("Status: 200") != true, Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            for target in [path("fd0.sock"), address] { answers.append(try loginPage(through: target)) }
        }
        #expect(status == 0)
        #expect(output.contains("serving on the socket on fd 0 and tcp:\(address) with 1 threads each, "), "\(output)")
        #expect(answers.count == 2 && answers.allSatisfy { $0.hasPrefix("Status: 200 OK\r\n") }, "\(answers)")
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
