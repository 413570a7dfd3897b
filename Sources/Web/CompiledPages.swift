import Synchronization

/// Pages rendered once per shape and then filled in on bytes.
///
/// Rendering Mustache over `[String: Any]` costs dynamic casts for every
/// lookup, half of a login page's time. A page's text, though, depends on
/// its string values only where they are substituted, and on their
/// emptiness (sections). So the first render of a shape (which values are
/// strings, which are empty, what the others are) puts markers where the
/// strings go; later renders of that shape splice the escaped values into
/// the segments between markers. Pages with lists (recovery codes) are
/// rendered directly each time, and never cached.
final class CompiledPages: Sendable {
    /// Shapes kept; past this, pages render directly.
    static let capacity = 256

    /// A rendered page cut at the places its string values go.
    struct Page: Sendable {
        enum Segment: Sendable {
            case text([UInt8])
            /// The value with this index, HTML-escaped (`{{x}}`) or not (`{{{x}}}`).
            case value(Int, escaped: Bool)
        }
        let segments: [Segment]
    }

    private let pages = Mutex<[[UInt8]: Page]>([:])

    /// `name` rendered over `context`, through the compiled page of its shape.
    func render(_ name: String, _ context: [String: Any], using render: (String, [String: Any]) throws -> String) throws -> [UInt8] {
        // The shape as bytes: name, then per key (sorted) its kind and, for flags and numbers, its value.
        var shape = Array(name.utf8)
        var strings: [String] = []
        var markerContext: [String: Any] = [:]
        for key in context.keys.sorted() {
            shape.append(0)
            shape.append(contentsOf: key.utf8)
            switch context[key] {
            case let string as String:
                shape.append(string.isEmpty ? UInt8(ascii: "e") : UInt8(ascii: "s"))
                markerContext[key] = string.isEmpty ? "" : Self.marker(strings.count)
                strings.append(string)
            case let flag as Bool:
                shape.append(flag ? UInt8(ascii: "T") : UInt8(ascii: "F"))
                markerContext[key] = flag
            case let number as Int:
                shape.append(UInt8(ascii: "#"))
                shape.append(contentsOf: String(number).utf8)
                markerContext[key] = number
            default:
                return Array(try render(name, context).utf8)  // lists and the like: no shape to reuse
            }
        }
        if let page = pages.withLock({ $0[shape] }) { return Self.fill(page, with: strings) }
        let page = Self.cut(try render(name, markerContext))
        pages.withLock { if $0.count < Self.capacity { $0[shape] = page } }
        return Self.fill(page, with: strings)
    }

    /// A marker no template or value holds: private-use characters around the
    /// index, and an `&` so an escaped occurrence can be told from a raw one.
    private static func marker(_ index: Int) -> String {
        "\u{E000}\(index)&\u{E001}"
    }

    private static let open = Array("\u{E000}".utf8)
    private static let close = Array("\u{E001}".utf8)

    /// Splits a page rendered with markers into text and value segments.
    static func cut(_ rendered: String) -> Page {
        let bytes = Array(rendered.utf8)
        var segments: [Page.Segment] = []
        var text: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index...].starts(with: open),
               let end = bytes[(index + open.count)...].firstRange(of: close) {
                let inner = String(decoding: bytes[(index + open.count)..<end.lowerBound], as: UTF8.self)
                let escaped = inner.hasSuffix("&amp;")
                if let number = Int(inner.prefix { $0.isNumber }) {
                    if !text.isEmpty { segments.append(.text(text)) }
                    text = []
                    segments.append(.value(number, escaped: escaped))
                    index = end.upperBound
                    continue
                }
            }
            text.append(bytes[index])
            index += 1
        }
        if !text.isEmpty { segments.append(.text(text)) }
        return Page(segments: segments)
    }

    /// The page with `strings` in place of its markers.
    static func fill(_ page: Page, with strings: [String]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        for segment in page.segments {
            switch segment {
            case .text(let bytes):
                output.append(contentsOf: bytes)
            case .value(let index, let escaped):
                if escaped { HTMLEscaping.append(strings[index], to: &output) } else { output.append(contentsOf: strings[index].utf8) }
            }
        }
        return output
    }
}

/// HTML escaping on bytes, the same five characters as Mustache's `{{x}}`.
enum HTMLEscaping {
    static func append(_ text: String, to output: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "\""): output.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): output.append(contentsOf: "&#39;".utf8)
            default: output.append(byte)
            }
        }
    }
}
