import Foundation
import Testing
@testable import App

struct DisplayTimeTests {
    @Test func formatsInUTC() {
        #expect(DisplayTime.date(1_800_000_000) == "15 January 2027")
        #expect(DisplayTime.dateAndTime(1_800_000_000 + 3 * 3600 + 7 * 60) == "15 January 2027, 11:07 UTC")
        #expect(DisplayTime.machineReadable(0) == "1970-01-01T00:00:00Z")
    }

    @Test(arguments: [(0, "just now"), (59, "just now"), (60, "1 minute ago"), (3599, "59 minutes ago"),
                      (7200, "2 hours ago"), (86_400, "1 day ago")] as [(Int64, String)])
    func saysHowLongAgo(_ seconds: Int64, _ expected: String) {
        #expect(DisplayTime.ago(seconds) == expected)
    }
}

struct DisplayTimeFieldsTests {
    /// The integer date arithmetic agrees with Foundation's Gregorian calendar, leap years and all.
    @Test(arguments: [Int64(0), 59, 86_399, 86_400, 951_782_400, 951_868_799, 1_709_164_800, 1_800_000_000,
                      4_107_542_400, 253_402_300_799, -1, -86_401])
    func agreesWithFoundation(_ time: Int64) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                        from: Date(timeIntervalSince1970: TimeInterval(time)))
        let f = DisplayTime.fields(time)
        #expect([f.year, f.month, f.day, f.hour, f.minute, f.second] == [c.year, c.month, c.day, c.hour, c.minute, c.second])
    }
}
