import Testing
import Web
@testable import FastCGI

struct ResponseEncodingTests {
    @Test func writesStatusHeadersBlankLineAndBody() {
        var response = Response(status: .seeOther, headers: ["Location": "/home"], body: Array("hi".utf8))
        response.headers.add("Set-Cookie", "a=1")
        response.headers.add("Set-Cookie", "b=2")
        let text = String(decoding: ResponseEncoding.encode(response), as: UTF8.self)
        #expect(text == "Status: 303 See Other\r\nLocation: /home\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nhi")
    }

    @Test(arguments: ["/home\r\nSet-Cookie: evil=1", "a\nb", "a\u{0}b"])
    func dropsHeadersThatWouldInjectOthers(_ value: String) {
        let response = Response(status: .ok, headers: ["Location": value])
        let text = String(decoding: ResponseEncoding.encode(response), as: UTF8.self)
        #expect(!text.contains("evil"))
        #expect(!text.contains("Location"))
        #expect(text == "Status: 200 OK\r\nContent-Length: 0\r\n\r\n")
    }

    /// A refused header leaves nothing behind, and the headers around it are written whole.
    @Test(arguments: [("Location", "/a\r\nX: y"), ("X-Evil\r\nX", "1"), ("X-Nul", "a\u{0}")])
    func dropsOnlyTheUnsafeHeader(_ name: String, _ value: String) {
        var response = Response(status: .ok, headers: ["X-Before": "1"], body: Array("ok".utf8))
        response.headers.add(name, value)
        response.headers.add("X-After", "2")
        let text = String(decoding: ResponseEncoding.encode(response), as: UTF8.self)
        #expect(text == "Status: 200 OK\r\nX-Before: 1\r\nX-After: 2\r\nContent-Length: 2\r\n\r\nok")
    }

    /// nginx sends a parameter twice when a `fastcgi_param` overrides the
    /// included file's: in an `auth_request` location, `CONTENT_LENGTH ""` after
    /// the real length, with no body following.
    @Test(arguments: [
        ([("CONTENT_LENGTH", "5")], 5 as Int?), ([("CONTENT_LENGTH", "")], 0), ([], 0), ([("CONTENT_LENGTH", "x")], nil),
        ([("CONTENT_LENGTH", "-1")], nil), ([("CONTENT_LENGTH", "20480"), ("CONTENT_LENGTH", "")], 0),
        ([("CONTENT_LENGTH", ""), ("CONTENT_LENGTH", "3")], 3),
    ] as [([(String, String)], Int?)])
    func theLastContentLengthCounts(_ parameters: [(String, String)], _ expected: Int?) {
        let named = parameters.map { (name: $0.0, value: $0.1) }
        #expect(RequestMapping.declaredBodyLength(in: named) == expected)
        if expected == 0 {
            #expect(RequestMapping(basePath: "").request(parameters: named + [("REQUEST_URI", "/")], body: []).headers["content-length"] == nil)
        }
    }
}
