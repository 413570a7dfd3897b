import Testing
@testable import QRImage

struct TerminalTextTests {
    /// Reads half-block text back into rows of inked (drawn) cells, two rows a line.
    static func inkedCells(_ text: String) -> [[Bool]] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().flatMap { line in
            [line.map { "█▀".contains($0) }, line.map { "█▄".contains($0) }]
        }
    }

    @Test(arguments: ProvisioningURIs.all.prefix(3))
    func linesAreHalfTheSideTallAndTheSideWide(_ uri: String) throws {
        let code = try QRCode(encoding: uri)
        let side = code.size + 8
        let lines = code.terminalText().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "the text ends with a newline")
        #expect(lines.count - 1 == (side + 1) / 2)
        #expect(lines.dropLast().allSatisfy { $0.count == side })
        #expect(lines.joined().allSatisfy { " ▀▄█".contains($0) })
    }

    @Test(arguments: [false, true])
    func drawsEveryModuleWithTheQuietZone(_ invert: Bool) throws {
        let code = try QRCode(encoding: ProvisioningURIs.benchmark)
        let side = code.size + 8
        let cells = Self.inkedCells(code.terminalText(invert: invert))
        // Light modules are inked for dark terminals; dark modules once inverted, for light ones.
        for row in 0..<side {
            for column in 0..<side {
                #expect(cells[row][column] == (code.isDark(withQuietZone: row, column) == invert), "module \(row), \(column)")
            }
        }
        // The half row below the symbol (its side is odd) is left to the terminal's background.
        #expect(cells.count == side + 1)
        #expect(cells[side].allSatisfy { !$0 })
    }
}
