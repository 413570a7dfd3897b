/// Times as the pages show them. The server cannot know the reader's time
/// zone (the pages run no script), so it says UTC plainly and adds how long
/// ago, which needs no zone at all.
enum DisplayTime {
    private static let months = ["January", "February", "March", "April", "May", "June", "July",
                                 "August", "September", "October", "November", "December"]

    /// `12 March 2026`.
    static func date(_ time: Int64) -> String {
        let t = fields(time)
        return "\(t.day) \(months[t.month - 1]) \(t.year)"
    }

    /// `12 March 2026, 14:03 UTC`.
    static func dateAndTime(_ time: Int64) -> String {
        let t = fields(time)
        return "\(date(time)), \(twoDigits(t.hour)):\(twoDigits(t.minute)) UTC"
    }

    /// `2026-03-12T14:03:09Z`, for a `<time datetime>` attribute.
    static func machineReadable(_ time: Int64) -> String {
        let t = fields(time)
        return "\(t.year)-\(twoDigits(t.month))-\(twoDigits(t.day))T\(twoDigits(t.hour)):\(twoDigits(t.minute)):\(twoDigits(t.second))Z"
    }

    /// `just now`, `1 minute ago`, `5 hours ago`, `3 days ago`.
    static func ago(_ seconds: Int64) -> String {
        seconds >= 60 ? duration(seconds) + " ago" : "just now"
    }

    /// `seconds` in words, in its largest whole unit: `45 seconds`, `10 minutes`, `3 hours`, `30 days`.
    static func duration(_ seconds: Int64) -> String {
        let (count, unit): (Int64, String) = switch seconds {
        case ..<60: (seconds, "second")
        case ..<3600: (seconds / 60, "minute")
        case ..<86_400: (seconds / 3600, "hour")
        default: (seconds / 86_400, "day")
        }
        return "\(count) \(unit)\(count == 1 ? "" : "s")"
    }

    /// The UTC calendar fields of `time`: days since the epoch turned into a
    /// proleptic Gregorian date (Howard Hinnant's civil_from_days), with no
    /// calendar object or time-zone lookup on the page's path.
    static func fields(_ time: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = Int(time >= 0 ? time / 86_400 : (time - 86_399) / 86_400)
        let secondOfDay = Int(time - Int64(days) * 86_400)
        let shifted = days + 719_468  // days from 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
