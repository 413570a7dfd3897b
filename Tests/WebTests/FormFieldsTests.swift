import Testing
@testable import Web

struct FormFieldsTests {
    @Test(arguments: [
        ("username=alice&password=s3cret", "username", "alice"),
        ("a=two+words", "a", "two words"),
        ("a=%2B%26%3D", "a", "+&="),
        ("a=caf%C3%A9", "a", "café"),
        ("a=", "a", ""),
        ("a", "a", ""),
        ("a=1&a=2", "a", "1"),
        ("&&a=1&&", "a", "1"),
        ("rd=%2Fhome%3Fx%3D1", "rd", "/home?x=1"),
        ("x%20y=z", "x y", "z"),
    ])
    func decodes(_ body: String, _ name: String, _ value: String) throws {
        #expect(try FormFields(decoding: body)[name] == value)
    }

    @Test(arguments: ["a=%", "a=%G1", "a=%C3", "%=1", "a=%FF", "a=%2"])
    func malformedEncodingIs400(_ body: String) {
        #expect(throws: HTTPError(.badRequest, message: "The form could not be read.")) { try FormFields(decoding: body) }
    }

    @Test func emptyValuesCountAsAbsentWhenAsked() throws {
        let form = try FormFields(decoding: "code=&user=bob")
        #expect(form.nonEmpty("code") == nil)
        #expect(form.nonEmpty("user") == "bob")
        #expect(form.nonEmpty("missing") == nil)
    }

    /// Found by fuzzing (fuzz/Corpus/form/combining-mark-after-separator): split
    /// into Characters, an `&` or `=` followed by a combining mark was one
    /// grapheme and no separator, so `b` hid inside `a`'s value.
    @Test(arguments: ["\u{301}", "\u{670}"])
    func aSeparatorFollowedByACombiningMarkStillSeparates(_ mark: String) throws {
        let form = try FormFields(decoding: "a=1&\(mark)b=2&c=\(mark)3")
        #expect(form["a"] == "1")
        #expect(form["\(mark)b"] == "2")
        #expect(form["c"] == "\(mark)3")
    }

    @Test func requestFormNeedsTheFormContentType() throws {
        let body = Array("a=1".utf8)
        let form = Request(method: .post, headers: ["Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"], body: body)
        #expect(try form.form()["a"] == "1")
        let json = Request(method: .post, headers: ["Content-Type": "application/json"], body: body)
        #expect(throws: HTTPError.self) { try json.form() }
        #expect(try Request(method: .post).form()["a"] == nil)
    }

    @Test(arguments: ["application/x-www-form-urlencoded", " Application/X-WWW-Form-URLEncoded\t;charset=UTF-8", "application/x-www-form-urlencoded ;"])
    func theFormContentTypeIsReadIgnoringCaseSpacesAndParameters(_ type: String) throws {
        #expect(try Request(method: .post, headers: ["Content-Type": type], body: Array("a=1".utf8)).form()["a"] == "1")
    }

    @Test(arguments: ["application/x-www-form-urlencodedx", "", "; application/x-www-form-urlencoded", "multipart/form-data"])
    func anotherContentTypeIsRefused(_ type: String) {
        #expect(throws: HTTPError(.badRequest, message: "Expected a form submission.")) {
            try Request(method: .post, headers: ["Content-Type": type], body: Array("a=1".utf8)).form()
        }
    }
}
