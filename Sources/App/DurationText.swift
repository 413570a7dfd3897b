extension Configuration {
    /// The seconds of a duration written as settings write them (`90s`, `10m`, `12h`, `30d`), for commands that take one.
    public static func seconds(in text: String) throws -> Int64 {
        do {
            return try DurationText.seconds(text, allowingZero: true)
        } catch {
            throw ConfigurationError.invalidValue(key: "duration", value: text, reason: error.reason)
        }
    }
}

/// Durations as settings write them: `90` or `90s`, `10m`, `12h`, `30d`.
enum DurationText {
    /// The seconds `text` stands for; zero only when `allowingZero`.
    static func seconds(_ text: String, allowingZero: Bool) throws(Configuration.InvalidValue) -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let unit = text.last.flatMap { units[$0] }
        let digits = unit == nil ? Substring(text) : text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let number = Int64(digits), number >= 0,
              number <= Configuration.tenYears / (unit ?? 1), allowingZero || number > 0
        else { throw .init(reason: "must be a duration such as 90s, 10m, 12h or 30d\(allowingZero ? " (0 turns it off)" : ""), at most ten years") }
        return number * (unit ?? 1)
    }
}
