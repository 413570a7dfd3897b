import ArgumentParser
import Foundation

@main
struct Totpgate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "totpgate",
        abstract: "Two-factor login (password + TOTP) for the web, as a FastCGI responder.",
        version: "0.1.0",
        subcommands: [
            ServeCommand.self, UserCommand.self, KeygenCommand.self, CodeCommand.self, SecretCommand.self,
            URICommand.self, QRCommand.self, StoreCommand.self, AccessCommand.self,
        ]
    )

    /// Runs the command line; a failure is one line on stderr and a non-zero exit.
    static func main() {
        do {
            if let unknown = unknownCommand(in: Array(CommandLine.arguments.dropFirst())) { throw ValidationError(unknown) }
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
            } else {
                FileHandle.standardError.write(Data("totpgate: \(message(for: error))\n".utf8))
            }
            exit(withError: code == .success ? nil : ExitCode(code.rawValue))
        }
    }

    /// The message for a command name that names no command, listing those
    /// there are on one line; nil when every name on `arguments` is a command.
    static func unknownCommand(in arguments: [String]) -> String? {
        var command: any ParsableCommand.Type = Totpgate.self
        var line = "totpgate"
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return nil }
            guard let next = subcommands.first(where: { $0._commandName == argument }) else {
                let names = subcommands.map { $0._commandName }.joined(separator: ", ")
                return "unknown command \(argument.debugDescription); the commands of `\(line)` are \(names) "
                    + "(`\(line) COMMAND --help` tells more)"
            }
            command = next
            line += " " + argument
        }
        return nil
    }
}
