import TestSupport
import Testing

/// The command line as a whole: how any command reports bad input.
struct TotpgateTests {
    @Test(arguments: [
        ["code", "--secret", "JBSW1Y3DP"],
        ["code", "--secret", "JBSWY3DPEHPK3PXP", "--digits", "9"],
        ["code", "--secret", "JBSWY3DPEHPK3PXP", "--digits", "5"],
        ["code", "--secret", "JBSWY3DPEHPK3PXP", "--period", "0"],
        ["code", "--secret", "JBSWY3DPEHPK3PXP", "--algorithm", "md5"],
        ["code", "--secret", "JBSWY3DPEHPK3PXP", "--time", "-5"],
        ["code", "--secret", ""],
        ["code"],
        ["uri", "--secret", "JBSWY3DPEHPK3PXP"],
        ["uri", "--secret", "JBSWY3DPEHPK3PXP", "--account", "a:b"],
        ["uri", "--secret", "JBSWY3DPEHPK3PXP", "--account", "a", "--issuer", "x:y"],
        ["uri", "--secret", "!!", "--account", "a"],
        ["secret", "--bits", "80"],
        ["nonsense"],
        ["serve", "--lock-duration", "9223372036854775807"],
        ["serve", "--throttle-delay", "-1"],
        ["serve", "--login-url", "auth.example.com/2fa/"],
        ["serve", "--threads", "0"],
        ["serve", "--socket-mode", "999"],
        ["serve", "--base-path", "2fa"],
    ])
    func badInputIsOneLineOnStderrAndAFailure(_ arguments: [String]) throws {
        let result = try run(totpgatePath, arguments)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("totpgate: "))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    }
}
