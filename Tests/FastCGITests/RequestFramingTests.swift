import Testing
@testable import FastCGI

struct RequestFramingTests {
    typealias Records = FastCGIRecords

    static func examine(_ bytes: [UInt8]) -> RequestFraming.Verdict {
        RequestFraming.examine(bytes[...])
    }

    @Test func aWholeGetIsComplete() {
        #expect(Self.examine(Records.get("/")) == .complete(.init(role: .responder, keepsConnection: false)))
    }

    @Test func keepConnectionIsRead() {
        #expect(Self.examine(Records.get("/", keepConnection: true)) == .complete(.init(role: .responder, keepsConnection: true)))
    }

    @Test func aPostWithItsBodyInManyRecordsIsComplete() {
        let request = Records.post("/login", body: [UInt8](repeating: 0x61, count: 5000))
        #expect(Self.examine(request) == .complete(.init(role: .responder, keepsConnection: false)))
    }

    /// Every prefix of a request, cut anywhere, asks for more: never complete early, never malformed.
    @Test func everyPrefixIsIncompleteOrAwaitingTheBody() {
        let request = Records.post("/login", body: Array("username=a&password=b".utf8))
        let parametersEnd = Records.begin().count + Records.parameters([
            ("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/login"), ("DOCUMENT_URI", "/login"),
            ("CONTENT_LENGTH", "21"), ("CONTENT_TYPE", "application/x-www-form-urlencoded"),
        ]).count
        for cut in 0..<request.count {
            let verdict = Self.examine(Array(request[..<cut]))
            if cut < parametersEnd {
                #expect(verdict == .incomplete, "cut at \(cut)")
            } else {
                #expect(verdict == .awaitingBody(.init(role: .responder, keepsConnection: false)), "cut at \(cut)")
            }
        }
    }

    @Test func anAuthorizerIsCompleteAfterItsParameters() {
        let request = Records.begin(role: 2) + Records.parameters([("REQUEST_URI", "/app")])
        #expect(Self.examine(request) == .complete(.init(role: .authorizer, keepsConnection: false)))
    }

    @Test func parametersSplitAcrossRecordsInsideALengthAreFollowed() {
        let value = String(repeating: "v", count: 300)  // a four-byte length
        let request = Records.begin() + Records.parameters([("HTTP_COOKIE", value), ("A", "b")], chunk: 3) + Records.standardInput([])
        #expect(Self.examine(request) == .complete(.init(role: .responder, keepsConnection: false)))
    }

    /// The record that made Debian 12's libfcgi abort: a value length of 2^31 - 2.
    @Test func aLengthBeyondTheParametersIsMalformed() {
        let pair: [UInt8] = [1] + Records.length(Int(Int32.max) - 1) + Array("A".utf8)
        let request = Records.begin() + Records.record(type: 4, pair) + Records.record(type: 4)
        guard case .malformed = Self.examine(request) else {
            Issue.record("\(Self.examine(request))")
            return
        }
    }

    @Test func parametersEndingInsideAValueAreMalformed() {
        let pair: [UInt8] = [1, 10] + Array("Aabc".utf8)  // promises 10 value bytes, gives 3
        let request = Records.begin() + Records.record(type: 4, pair) + Records.record(type: 4)
        #expect(Self.examine(request) == .malformed("the parameters end inside a name or value"))
    }

    @Test func parametersOverTheLimitAreMalformed() {
        let big = String(repeating: "x", count: RequestFraming.maximumParameterBytes)
        let request = Records.begin() + Records.parameters([("HTTP_X", big)], chunk: 8000)
        guard case .malformed = Self.examine(request) else {
            Issue.record("accepted \(RequestFraming.maximumParameterBytes) bytes of parameters")
            return
        }
    }

    static let unusualShapes: [(String, [UInt8])] = [
        ("version 2", [2] + Array(Records.begin().dropFirst())),
        ("params first", Records.parameters([("A", "b")])),
        ("request id 0", Records.begin(id: 0)),
        ("unknown role", Records.begin(role: 9)),
        ("other request's params", Records.begin(id: 1) + Records.parameters([("A", "b")], id: 2)),
        ("stdin before params end", Records.begin() + Records.record(type: 4, Records.pairs([("A", "b")])) + Records.standardInput([])),
        ("a second begin", Records.begin() + Records.begin()),
        ("abort request", Records.begin() + Records.parameters([]) + Records.record(type: 2)),
        ("management record", Records.record(type: 9, id: 0, Records.pairs([("FCGI_MAX_CONNS", "")]))),
    ]

    @Test(arguments: unusualShapes)
    func unusualShapesAreMalformed(_ name: String, _ bytes: [UInt8]) {
        guard case .malformed = Self.examine(bytes) else {
            Issue.record("\(name): \(Self.examine(bytes))")
            return
        }
    }

    @Test func nothingYetIsIncomplete() {
        #expect(Self.examine([]) == .incomplete)
        #expect(Self.examine(Array(Records.begin().prefix(5))) == .incomplete)
    }
}
