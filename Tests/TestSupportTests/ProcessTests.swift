import Testing
import TestSupport

struct ProcessTests {
    /// More than a pipe holds on both outputs, stderr first: reading one pipe to its end
    /// before the other would wait forever on a program blocked writing the other.
    @Test func readsBothOutputsInFullWhateverTheOrder() throws {
        let result = try run("/bin/sh", ["-c", "head -c 200000 /dev/zero | tr '\\0' e >&2; head -c 200000 /dev/zero | tr '\\0' o; exit 3"])
        #expect(result.status == 3)
        #expect(result.stdout == String(repeating: "o", count: 200_000))
        #expect(result.stderr == String(repeating: "e", count: 200_000))
    }

    /// More input than a pipe holds, to a program that reads it only after writing.
    @Test func writesInputWhileTheProgramWrites() throws {
        let input = String(repeating: "i", count: 200_000)
        let result = try run("/bin/sh", ["-c", "head -c 200000 /dev/zero | tr '\\0' o; cat"], input: input)
        #expect(result.stdout == String(repeating: "o", count: 200_000) + input)
    }

    @Test func aProgramThatIgnoresItsInputIsFine() throws {
        #expect(try run("/bin/true", [], input: String(repeating: "i", count: 200_000)).status == 0)
    }
}
