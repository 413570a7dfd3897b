import Encoding
import FuzzSupport
import Web

/// `FormFields` as `Request.form()` reaches it: login, code and enrolment
/// bodies, and query strings.
///
/// Raw bodies:
/// - a body is read only with the form content type (an empty one always);
/// - a body decodes exactly when each of its `&`-separated pairs does alone;
/// - the first value of a name wins: repeating the body, or adding a pair
///   behind it, changes nothing it set; a pair in front wins; empty pairs are
///   ignored.
///
/// Bodies built from the name/value pairs the input spells (one a line),
/// encoded the way browsers do (`+` or `%20` for spaces, some characters as
/// they are) read back as the first value of each name.
@main
enum FormFuzzer: FuzzTarget {
    static func check(_ bytes: [UInt8]) {
        checkRawBody(bytes)
        checkBuiltBody(FuzzInput(bytes))
    }
}

private func checkRawBody(_ bytes: [UInt8]) {
    let fields = try? Request(method: .post, headers: ["Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"], body: bytes).form()
    let plain = try? Request(method: .post, headers: ["Content-Type": "text/plain"], body: bytes).form()
    require(plain == (bytes.isEmpty ? FormFields() : nil), "a text/plain body was read as a form")

    let text = String(decoding: bytes, as: UTF8.self)
    let pairs = text.split(separator: "&")
    let eachPairReads = pairs.allSatisfy { (try? FormFields(decoding: String($0))) != nil }
    require((fields != nil) == eachPairReads, "\(text.debugDescription) read: \(fields != nil), each pair reads: \(eachPairReads)")
    guard let fields else { return }

    require((try? FormFields(decoding: text + "&" + text)) == fields, "repeating \(text.debugDescription) changed it")
    require((try? FormFields(decoding: "&&" + text + "&")) == fields, "empty pairs around \(text.debugDescription) changed it")
    require((try? FormFields(decoding: "code=1&" + text))?["code"] == "1", "a code in front of \(text.debugDescription) lost")
    require((try? FormFields(decoding: text + "&code=1"))?["code"] == fields["code"] ?? "1",
            "a code behind \(text.debugDescription) overrode \(fields["code"].debugDescription)")
    require(fields.nonEmpty("code") == fields["code"].flatMap { $0.isEmpty ? nil : $0 }, "nonEmpty disagrees")
}

private func checkBuiltBody(_ input: FuzzInput) {
    var input = input
    var pairs: [(name: String, value: String)] = []
    var body = ""
    while !input.isEmpty {
        let style = input.byte()
        let pair = (name: input.text(), value: input.text())
        pairs.append(pair)
        // One `&` or more between pairs, as sloppy clients send them.
        body += String(repeating: "&", count: 1 + Int(style >> 6)) + encode(pair.name, style) + "=" + encode(pair.value, style >> 2)
    }
    let fields: FormFields
    do { fields = try FormFields(decoding: body) } catch {
        require(false, "\(body.debugDescription), built from \(pairs), was refused")
        return
    }
    var first: [String: String] = [:]
    for pair in pairs where first[pair.name] == nil { first[pair.name] = pair.value }
    require(fields == FormFields(first), "\(body.debugDescription) read as \(fields), not \(first)")
}

/// `text` as a browser might send it in a form body, by the low two bits of
/// `style`: percent-encoded, spaces as `+`, or only what must be escaped.
private func encode(_ text: String, _ style: UInt8) -> String {
    switch style & 3 {
    case 0: PercentEncoding.encode(text)
    case 1: PercentEncoding.encode(text, allowing: " ").replacingSpaces()
    default: PercentEncoding.encode(text, allowing: "!$'()*,/:;?@[]~ ").replacingSpaces()
    }
}

extension String {
    /// Spaces written as `+`, as HTML forms send them.
    fileprivate func replacingSpaces() -> String {
        String(decoding: utf8.map { $0 == UInt8(ascii: " ") ? UInt8(ascii: "+") : $0 }, as: UTF8.self)
    }
}
