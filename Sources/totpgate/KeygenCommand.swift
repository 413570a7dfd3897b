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
            existing session. Restart `totpgate serve` to pick up the new key.
            """
    )

    @OptionGroup var data: DataDirectoryOptions

    func run() throws {
        let file = SigningKeyFile(dataDirectory: try data.dataDirectory())
        let ring = try file.rotate()
        print("signing key \(ring.current.id) written to \(file.path) (\(ring.keys.count) key(s) in the ring)")
    }
}
