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

    /// The defaults, then `$TOTPGATE_DATA_DIR`, then the config file (or
    /// `fileText`, its text read before), then `--data-dir`.
    func configuration(fileText: String? = nil) throws -> Configuration {
        var configuration = Configuration()
        configuration.settings.dataDirectory =
            ProcessInfo.processInfo.environment[DataDirectory.environmentVariable] ?? DataDirectory.defaultPath
        if let configFile {
            try configuration.apply(configFile: fileText ?? Configuration.text(ofConfigFile: configFile), path: configFile)
        }
        try configuration.setFlag("data-dir", to: path)
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
    /// Sets `key` from the flag of the same name when it was given; a refused
    /// value reads as the flag, e.g. `--threads 0: must be …`.
    mutating func setFlag(_ key: String, to value: (any CustomStringConvertible)?) throws {
        guard let value else { return }
        do {
            try set(key, to: value.description)
        } catch .invalidValue(_, _, let reason) {
            throw ValidationError("--\(key) \(value): \(reason)")
        }
    }
}
