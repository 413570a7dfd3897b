import Testing
@testable import Supervisor

struct WorkerReportTests {
    @Test(arguments: [WorkerReport.ready("SQLite /var/lib/totpgate/totpgate.db"), .failed("cannot read templates from /x"), .ready("")])
    func aReportSurvivesItsLine(_ report: WorkerReport) {
        let line = report.line
        #expect(line.hasSuffix("\n"))
        #expect(WorkerReport(line: line.dropLast()) == report)
    }

    @Test func aMessageStaysOnOneLine() {
        #expect(WorkerReport.failed("two\nlines").line == "failed two lines\n")
    }

    @Test(arguments: ["", "ready", "hello there", "READY x"])
    func anythingElseIsNoReport(_ line: String) {
        #expect(WorkerReport(line: line[...]) == nil)
    }
}
