import ArgumentParser
import OTP
import SystemIO

struct CodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Print the TOTP code for a secret, like `oathtool --totp`."
    )

    @OptionGroup var options: OTPOptions

    @Option(help: "Unix time to compute the code for (default: now).")
    var time: Int64?

    func validate() throws {
        if let time, time < 0 { throw ValidationError(OTPError.invalidTime(time).description) }
    }

    func run() throws {
        print(try options.totp().code(at: time ?? SystemClock().now))
    }
}
