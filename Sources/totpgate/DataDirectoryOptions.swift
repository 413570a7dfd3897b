import Accounts
import ArgumentParser
import Foundation

/// `--data-dir`, shared by every command that touches accounts or keys.
struct DataDirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Directory of the database and keys, created (mode 0700) if absent; $\(DataDirectory.environmentVariable) sets the default.",
            valueName: "dir"))
    var path: String = ProcessInfo.processInfo.environment[DataDirectory.environmentVariable] ?? DataDirectory.defaultPath

    /// The account service over the data directory, creating its database and keys on first use.
    func accountService() throws -> AccountService {
        try AccountService(dataDirectory: DataDirectory(path: path), hasher: PasswordHasher())
    }
}
