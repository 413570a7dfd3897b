extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's OWS).
    func trimmingSpaces() -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start, case let last = self[index(before: end)], last == " " || last == "\t" { end = index(before: end) }
        return self[start..<end]
    }
}
