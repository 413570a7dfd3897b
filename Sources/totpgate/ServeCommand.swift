import App
import ArgumentParser
import Foundation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the FastCGI responder.",
        discussion: """
            Listens on a unix socket (--socket), a TCP address (--listen), or both at once; without \
            a socket, on the listening socket on fd 0 as spawn-fcgi and mod_fcgid hand it over. A \
            master process holds the sockets and runs --workers worker processes, replacing any that dies. SIGHUP \
            reloads: new workers start with the config file, cookie keys and templates read afresh, \
            then the old ones finish their requests and exit. SIGTERM or SIGINT stops accepting, \
            finishes the requests in flight and exits 0.

            SETTINGS (each, without the dashes, also a key of the config file: `threads = 16`; \
            an option given here overrides the file):

            """ + Configuration.optionsHelp(excluding: ["data-dir"])
    )

    @OptionGroup var data: DataDirectoryOptions

    /// The settings' options (`--threads 16`), read against ``Configuration/keys``: they are declared there, once.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var settingOptions: [String] = []

    @Flag(help: .hidden)
    var printSettingsTable = false

    /// Set by the master on the command lines of its workers: its process id.
    @Option(help: .hidden)
    var workerOf: Int32?

    /// The config file's settings (from `fileText`, its text read before, if
    /// given) with the options given here applied over them.
    func loadConfiguration(fileText: String? = nil) throws -> Configuration {
        var configuration = try data.configuration(fileText: fileText)
        try configuration.applyCommandLine(settingOptions)
        return configuration
    }

    func run() throws {
        if printSettingsTable {
            print(Configuration.markdownTable, terminator: "")
        } else if let master = workerOf {
            runWorker(master: master)
        } else {
            try runMaster()
        }
    }
}
