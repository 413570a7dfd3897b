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
}
