import ArgumentParser
import Foundation

/// `--data-dir`, shared by every command that touches state.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"),
            help: "Directory holding the database and keys (default: $TOTPGATE_DATA_DIR, else ./var).")
    var dataDirectory: String?

    /// The directory to use: the option, the environment, or `./var`.
    var path: String {
        dataDirectory ?? ProcessInfo.processInfo.environment["TOTPGATE_DATA_DIR"] ?? "./var"
    }
}
