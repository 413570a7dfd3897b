import Glibc
import Testing
@testable import Supervisor

struct InheritedTextTests {
    /// Every worker of a generation reads the whole text, though they share one offset.
    @Test func eachReaderGetsTheWholeText() throws {
        let text = String(repeating: "app-name = Big Corp #1\n", count: 1000)
        let inherited = try InheritedText(text)
        let first = dup(inherited.descriptor), second = dup(inherited.descriptor)
        defer { close(first); close(second) }
        #expect(try InheritedText.read(first) == text)
        #expect(try InheritedText.read(second) == text)
    }
}
