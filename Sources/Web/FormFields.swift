import Encoding

/// Decoded `application/x-www-form-urlencoded` fields (HTML forms and query strings).
public struct FormFields: Sendable, Equatable {
    private var values: [String: String]

    /// Fields from name/value pairs; for tests and redirects.
    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// Decodes `a=1&b=two+words`: `+` is a space, `%XX` a byte, the result UTF-8.
    /// Invalid encoding is a 400; a repeated name keeps its first value, so a
    /// second copy smuggled in later cannot override what the form sent.
    ///
    /// Splits the bytes, as every other reader of the body does: split into
    /// Characters, an `&` or `=` followed by a combining mark would be one
    /// grapheme and no separator.
    public init(decoding text: String) throws(HTTPError) {
        values = [:]
        for pair in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false).map(Substring.init)
            do {
                let name = try PercentEncoding.decode(parts[0], plusAsSpace: true)
                let value = parts.count > 1 ? try PercentEncoding.decode(parts[1], plusAsSpace: true) : ""
                if values[name] == nil { values[name] = value }
            } catch {
                throw HTTPError(.badRequest, message: "The form could not be read.")
            }
        }
    }

    /// The value of `name`, or nil when absent.
    public subscript(name: String) -> String? {
        values[name]
    }

    /// The value of `name`, or nil when absent or empty (an empty `code=` is no code).
    public func nonEmpty(_ name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
