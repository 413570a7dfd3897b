import ArgumentParser
import OTP

struct URICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uri",
        abstract: "Print the otpauth:// provisioning URI that authenticator apps scan."
    )

    @OptionGroup var options: OTPOptions

    @Option(help: "The account name the app shows, e.g. alice@example.com.")
    var account: String

    @Option(help: "The service name the app shows above the account.")
    var issuer: String?

    func validate() throws {
        guard !account.isEmpty else { throw ValidationError(KeyURI.Error.missingAccount.description) }
        if account.contains(":") { throw ValidationError(KeyURI.Error.colonInLabel(account).description) }
        if let issuer, issuer.contains(":") { throw ValidationError(KeyURI.Error.colonInLabel(issuer).description) }
    }

    func run() throws {
        let uri = try KeyURI(
            secret: options.secretBytes(), account: account, issuer: issuer,
            algorithm: options.algorithm, digits: options.digits, period: options.period)
        print(uri)
    }
}
