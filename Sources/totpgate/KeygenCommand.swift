import Accounts
import App
import ArgumentParser

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create or rotate the cookie-signing key (and create the secrets key if absent).",
        discussion: """
            The new key signs from now on; the previous \(SigningKeyFile.retainedKeys - 1) keys still verify, \
            so rotating logs nobody out. Rotate \(SigningKeyFile.retainedKeys) times to invalidate every \
            existing session. Run it as the service's user, then `systemctl reload totpgate` (or send \
            SIGHUP to the `totpgate serve` master) so the workers read the new key without dropping a request.

            The key sealing TOTP secrets (\(AccountKeys.fileName)) is made if absent and never rotated: \
            the secrets in the store open only with it. Hosts sharing a store copy both files from the first. \
            Only `keygen`, `user add` and `serve` create the data directory.
            """
    )

    @OptionGroup var data: DataDirectoryOptions

    func run() throws {
        let directory = try data.dataDirectory(creating: true)
        let file = SigningKeyFile(dataDirectory: directory)
        let ring = try file.rotate()
        print("signing key \(ring.current.id) written to \(file.path) (\(ring.keys.count) key(s) in the ring)")
        if try !directory.contains(AccountKeys.fileName) {
            _ = try AccountKeys(dataDirectory: directory)
            print("secrets key written to \(directory.path(of: AccountKeys.fileName))")
        }
    }
}
