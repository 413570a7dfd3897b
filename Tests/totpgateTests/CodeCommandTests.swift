import TestSupport
import Testing

/// SplitMix64: a small seeded generator, so a failing case can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct CodeCommandTests {
    struct Case: CustomStringConvertible {
        let secret: String, time: Int64, algorithm: String, digits: Int, period: Int
        var description: String { "--secret \(secret) --time \(time) --algorithm \(algorithm) --digits \(digits) --period \(period)" }
    }

    static func seededCases(count: Int, seed: UInt64) -> [Case] {
        var rng = SplitMix64(state: seed)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return (0..<count).map { _ in
            // Secret lengths in whole bytes (multiples of 8 symbols, or a valid remainder).
            let bytes = Int.random(in: 1...64, using: &rng)
            let symbols = (bytes * 8 + 4) / 5
            var secret = String((0..<symbols).map { _ in alphabet.randomElement(using: &rng)! })
            // Keep the unused low bits of the last symbol zero, as an encoder would.
            let unusedBits = symbols * 5 - bytes * 8
            if unusedBits > 0 {
                let last = alphabet.firstIndex(of: secret.removeLast())!
                secret.append(alphabet[last & ~((1 << unusedBits) - 1)])
            }
            return Case(secret: secret,
                        time: Int64.random(in: 0...20_000_000_000, using: &rng),
                        algorithm: ["sha1", "sha256", "sha512"].randomElement(using: &rng)!,
                        digits: Int.random(in: 6...8, using: &rng),
                        period: [1, 15, 30, 30, 30, 60, 90, 300].randomElement(using: &rng)!)
        }
    }

    @Test func agreesWithOathtoolOnSeededRandomCases() throws {
        let oathtool = try #require(which("oathtool"), "oathtool (Debian's oathtool package) must be installed")
        for c in Self.seededCases(count: 300, seed: 0x7074_6F74_7067_6174) {
            let ours = try totpgate("code", "--secret", c.secret, "--time", "\(c.time)",
                                    "--algorithm", c.algorithm, "--digits", "\(c.digits)", "--period", "\(c.period)")
            let theirs = try run(oathtool, ["--totp=\(c.algorithm)", "--base32", "--digits=\(c.digits)",
                                            "--time-step-size=\(c.period)s", "--now=@\(c.time)", c.secret])
            #expect(ours.status == 0, "\(c)")
            #expect(theirs.status == 0, "\(c): \(theirs.stderr)")
            #expect(ours.stdout == theirs.stdout, "\(c)")
        }
    }

    @Test func matchesRFC6238FirstRow() throws {
        let result = try totpgate("code", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "--time", "59", "--digits", "8")
        #expect(result.stdout == "94287082\n")
    }

    /// The secret from a file or standard input, where `ps` cannot see it; `=` padding and a final line break are fine.
    @Test(arguments: [
        (["--secret-file", "FILE"], nil as String?),
        (["--secret-stdin"], "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"),
        (["--secret", "gezd gnbv gy3t qojq gezd gnbv gy3t qojq"], nil),
    ])
    func readsTheSecretFromAFileOrStandardInput(_ options: [String], _ input: String?) throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("secret")
        try "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try run(totpgatePath, ["code", "--time", "59", "--digits", "8"] + options.map { $0 == "FILE" ? file : $0 },
                             input: input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "94287082\n")
    }
}
