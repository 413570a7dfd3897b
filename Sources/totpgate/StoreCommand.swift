import Accounts
import ArgumentParser
import Stores

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Manage the account store: copy every account to another store.",
        subcommands: [Migrate.self]
    )
}

extension StoreCommand {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every account, secret, counter, recovery code and device from one store into an empty one.",
            discussion: """
                Stop `totpgate serve` first, or changes made during the copy may be lost. Both stores are read and \
                written with the data directory's keys (secrets.key), which hosts sharing a store share.
                """)

        @Option(help: ArgumentHelp("The store to copy from: sqlite:PATH or postgresql://USER@HOST/DB", valueName: "url"))
        var from: String

        @Option(help: ArgumentHelp("The empty store to copy into: sqlite:PATH or postgresql://USER@HOST/DB", valueName: "url"))
        var to: String

        @OptionGroup var dataDirectory: DataDirectoryOptions

        func validate() throws {
            for (option, url) in [("--from", from), ("--to", to)] {
                do { _ = try StoreLocation(url) } catch { throw ValidationError("\(option): \(error)") }
            }
        }

        func run() throws {
            let source = try StoreLocation(from), target = try StoreLocation(to)
            // New keys could open nothing the source holds: the data directory and its keys must exist.
            let keys = try AccountKeys(dataDirectory: dataDirectory.dataDirectory(creating: false), creating: false)
            let summary = try StoreMigration.copy(from: source, to: target, keys: keys)
            print("copied \(summary) from \(source) to \(target)")
        }
    }
}
