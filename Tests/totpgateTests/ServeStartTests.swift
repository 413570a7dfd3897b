import Foundation
import Glibc
import TestSupport
import Testing

/// What stops `totpgate serve` from starting is one line, `totpgate: …`, and
/// a non-zero exit, whether the master finds it (the socket) or a worker (the
/// data directory, the templates), and nothing is left behind.
struct ServeStartTests {
    let directory: TemporaryDataDirectory

    init() throws {
        directory = try TemporaryDataDirectory()
    }

    func path(_ name: String) -> String {
        directory.parent.appendingPathComponent(name).path
    }

    func expectOneLineFailure(_ arguments: [String], saying message: String) throws {
        let result = try run(totpgatePath, ["serve"] + arguments)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "totpgate: \(message)\n")
    }

    /// Was `bind/listen: Address already in use` and exit 22, from inside libfcgi.
    @Test func aBusyPortIsOneLine() throws {
        let taken = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(taken) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let port = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(taken, generic, length)
                listen(taken, 1)
                getsockname(taken, generic, &length)
                return UInt16(bigEndian: pointer.pointee.sin_port)
            }
        }
        try expectOneLineFailure(["--data-dir", directory.path, "--listen", "127.0.0.1:\(port)"], saying:
            "cannot listen on 127.0.0.1:\(port): Address already in use (another program uses the port: stop it, or choose another --listen)")
    }

    @Test func aSocketAnotherResponderServesIsOneLine() throws {
        let first = try ServeProcess(["serve", "--data-dir", directory.path, "--socket", path("s"), "--workers", "1"], log: path("first.log"))
        #expect(first.waitForLog("serving on").contains("serving on"))
        try expectOneLineFailure(["--data-dir", directory.path, "--socket", path("s")],
                                 saying: "another responder is listening on \(path("s")): stop it, or choose another --socket")
        #expect(first.stop() == 0)
    }

    @Test func missingTemplatesAreOneLineAndTheSocketIsRemoved() throws {
        try expectOneLineFailure(["--data-dir", directory.path, "--socket", path("s"), "--www", path("nowhere")],
                                 saying: "cannot read templates from \(path("nowhere"))/templates")
        #expect(!FileManager.default.fileExists(atPath: path("s")))
    }

    @Test func aDataDirectoryThatIsAFileIsOneLine() throws {
        _ = FileManager.default.createFile(atPath: path("file"), contents: Data())
        try expectOneLineFailure(["--data-dir", path("file"), "--socket", path("s")], saying: "\(path("file")) is not a directory")
        #expect(!FileManager.default.fileExists(atPath: path("s")))
    }
}
