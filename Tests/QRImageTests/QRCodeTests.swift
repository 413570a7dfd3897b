import Testing
@testable import QRImage

struct QRCodeTests {
    /// Byte capacities of versions 1, 2, 5 and 40 at level M in 8-bit mode (ISO/IEC 18004 table 7).
    @Test(arguments: [(1, 1), (14, 1), (15, 2), (26, 2), (27, 3), (84, 5), (85, 6), (2331, 40)])
    func choosesTheSmallestVersionThatHoldsTheText(_ bytes: Int, _ version: Int) throws {
        let code = try QRCode(encoding: String(repeating: "a", count: bytes))
        #expect(code.version == version)
        #expect(code.size == 17 + 4 * version)
    }

    @Test func theBenchmarkURIFillsVersion5() throws {
        #expect(try QRCode(encoding: ProvisioningURIs.benchmark).version == 5)
    }

    /// Bytes count, not characters: 1,166 "é" are 2,332 bytes.
    @Test(arguments: [("A", 2332), ("é", 1166), ("x", 5000)])
    func refusesTextsNoVersionHolds(_ character: String, _ count: Int) {
        let text = String(repeating: character, count: count)
        #expect(throws: QRCode.Error.tooLong(bytes: text.utf8.count)) { try QRCode(encoding: text) }
    }

    @Test func saysHowLongTooLongIs() {
        let message = QRCode.Error.tooLong(bytes: 2400).description
        #expect(message == "the text is 2400 bytes; a QR code at error correction level M holds at most 2331")
    }

    @Test func refusesAnEmptyText() {
        #expect(throws: QRCode.Error.empty) { try QRCode(encoding: "") }
    }

    @Test func exposesTheFinderPatternAndTimingModules() throws {
        let code = try QRCode(encoding: ProvisioningURIs.benchmark)
        let last = code.size - 1
        for i in 0..<7 {
            // The outer ring of each 7×7 finder pattern is dark, the ring inside it light.
            for (row, column) in [(0, i), (6, i), (i, 0), (i, 6)] {
                #expect(code[row, column] && code[row, last - column] && code[last - row, column])
            }
            if (1...5).contains(i) {
                #expect(!code[1, i] && !code[5, i] && !code[i, 1] && !code[i, 5])
            }
        }
        #expect((2...4).allSatisfy { r in (2...4).allSatisfy { c in code[r, c] } })
        // The separator beside the finder is light; the timing row alternates, dark on even columns.
        #expect((0...7).allSatisfy { !code[7, $0] && !code[$0, 7] })
        #expect((8...(last - 8)).allSatisfy { code[6, $0] == $0.isMultiple(of: 2) })
    }
}
