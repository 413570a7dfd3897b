import Accounts
import App
import ArgumentParser

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create or rotate the cookie-signing key.",
        discussion: """
            The new key signs from now on; the previous \(SigningKeyFile.retainedKeys - 1) keys still verify, \
            so rotating logs nobody out. Rotate \(SigningKeyFile.retainedKeys) times to invalidate every \
            existing session. Run it as the service's user, then `systemctl reload totpgate` (or send \
            SIGHUP to the `totpgate serve` master) so the workers read the new key without dropping a request. \
            The data directory is created if absent (only `keygen`, `user add` and `serve` create it).
            """
    )

    @OptionGroup var data: DataDirectoryOptions

    func run() throws {
        let file = SigningKeyFile(dataDirectory: try data.dataDirectory(creating: true))
        let ring = try file.rotate()
        print("signing key \(ring.current.id) written to \(file.path) (\(ring.keys.count) key(s) in the ring)")
    }
}
