import Accounts
import App
import ArgumentParser
import Foundation

/// `--data-dir` and `--config`, shared by every command that touches accounts or keys.
struct DataDirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Directory of the database and keys, created (mode 0700) if absent (default: the config file's data-dir, "
                + "else $\(DataDirectory.environmentVariable), else \(DataDirectory.defaultPath)).",
            valueName: "dir"))
    var path: String?

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("A config file of `key = value` lines (README: Configuration); options given here override it.",
                           valueName: "file"))
    var configFile: String?

    /// The defaults, then `$TOTPGATE_DATA_DIR`, then the config file, then `--data-dir`.
    func configuration() throws -> Configuration {
        var configuration = Configuration()
        configuration.settings.dataDirectory =
            ProcessInfo.processInfo.environment[DataDirectory.environmentVariable] ?? DataDirectory.defaultPath
        if let configFile { try configuration.load(configFile: configFile) }
        try configuration.applyCommandLine(path.map { ["--data-dir", $0] } ?? [])
        return configuration
    }

    /// The data directory these options name, created on first use.
    func dataDirectory() throws -> DataDirectory {
        try DataDirectory(path: configuration().settings.dataDirectory)
    }

    /// The account service over the data directory, creating its database and keys on first use.
    func accountService() throws -> AccountService {
        try AccountService(dataDirectory: dataDirectory(), hasher: PasswordHasher())
    }
}

extension Configuration {
    /// Applies options from the command line over the file's settings; a
    /// refused one is a usage error that names it, e.g. `--threads 0: must be …`.
    mutating func applyCommandLine(_ arguments: [String]) throws {
        do {
            try apply(options: arguments)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
