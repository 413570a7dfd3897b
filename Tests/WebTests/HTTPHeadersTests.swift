import Testing
@testable import Web

struct HTTPHeadersTests {
    @Test func namesMatchCaseInsensitively() {
        var headers: HTTPHeaders = ["Content-Type": "text/html"]
        #expect(headers["content-type"] == "text/html")
        headers.add("Set-Cookie", "a=1")
        headers.add("set-cookie", "b=2")
        #expect(headers.values("SET-COOKIE") == ["a=1", "b=2"])
        headers.replace("SET-COOKIE", "c=3")
        #expect(headers.values("set-cookie") == ["c=3"])
        headers.addIfAbsent("content-TYPE", "x")
        #expect(headers.values("Content-Type") == ["text/html"])
    }

    @Test(arguments: [("abc", "ABC", true), ("a-b", "A-B", true), ("a[", "A{", false), ("ab", "abc", false)])
    func comparesASCIICaseInsensitively(_ a: String, _ b: String, _ equal: Bool) {
        #expect(a.caseInsensitiveEquals(b) == equal)
    }
}
