import Accounts
import App
import ArgumentParser
import Foundation
import Stores

/// `--data-dir` and `--config`, shared by every command that touches accounts or keys.
struct DataDirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Directory of the database and keys (default: the config file's data-dir, else "
                + "$\(DataDirectory.environmentVariable), else \(DataDirectory.defaultPath)); only `user add`, `keygen` and "
                + "`serve` create it (mode 0700).",
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
        try configuration.applyCommandLine(path.map { ["--data-dir", $0] } ?? [])
        return configuration
    }

    /// The data directory these options name, created on first use by the
    /// commands `creating` state (README: which commands create the data directory).
    func dataDirectory(creating: Bool) throws -> DataDirectory {
        try DataDirectory(path: configuration().settings.dataDirectory, creating: creating)
    }
}

/// `--store` with `--data-dir` and `--config`, for the commands that manage accounts.
struct StoreOptions: ParsableArguments {
    @OptionGroup var data: DataDirectoryOptions

    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "The account store: sqlite:PATH or postgresql://USER@HOST/DB (default: the config file's store, else the data directory's "
                + "totpgate.db).",
            valueName: "url"))
    var store: String?

    /// The account service `serve` would run with these options: the same
    /// store, keys, password hashing and throttle settings. Only a command
    /// `creating` state may create the data directory, its keys and the SQLite file.
    func accountService(creating: Bool) throws -> AccountService {
        var configuration = try data.configuration()
        try configuration.applyCommandLine(store.map { ["--store", $0] } ?? [])
        let settings = configuration.settings
        return try settings.accountServiceFactory(creating: creating)
            .service(hasher: PasswordHasher(parameters: settings.passwordHashing), configuration: settings.accountConfiguration)
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
