import Foundation

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
        guard seconds >= 60 else { return "just now" }
        let (count, unit): (Int64, String) = switch seconds {
        case ..<3600: (seconds / 60, "minute")
        case ..<86_400: (seconds / 3600, "hour")
        default: (seconds / 86_400, "day")
        }
        return "\(count) \(unit)\(count == 1 ? "" : "s") ago"
    }

    private static func fields(_ time: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                        from: Date(timeIntervalSince1970: TimeInterval(time)))
        // A Gregorian calendar sets every component asked for.
        return (c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
