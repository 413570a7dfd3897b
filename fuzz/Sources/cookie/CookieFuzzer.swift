import FuzzSupport
import Web

/// `CookieParser` on `Cookie` headers, and `Request.cookie` over several of them.
///
/// Raw headers:
/// - every cookie read has an RFC 7230 token for a name and RFC 6265
///   cookie-octets for a value, and there are no more than `;`-separated parts;
/// - looking one name up (`value(of:in:)`, what `/auth` does) agrees with
///   parsing them all, for the names found and for one that is not;
/// - the first cookie of a name wins: repeating the header changes nothing, a
///   well-formed cookie in front wins;
/// - over several `Cookie` headers, the first header holding the name wins.
///
/// Headers built from the cookies the input spells (name and value a line
/// each, quoted or padded with spaces, with junk between) read back as the
/// first value of each name.
@main
enum CookieFuzzer: FuzzTarget {
    static func check(_ bytes: [UInt8]) {
        checkRawHeader(String(decoding: bytes, as: UTF8.self))
        checkBuiltHeader(FuzzInput(bytes))
    }
}

private func checkRawHeader(_ header: String) {
    let cookies = CookieParser.parse(header)
    require(cookies.count <= header.utf8.count { $0 == UInt8(ascii: ";") } + 1, "\(header.debugDescription) gave \(cookies)")
    for (name, value) in cookies {
        require(SetCookie.isValidName(name) && value.utf8.allSatisfy(isCookieOctet), "\(header.debugDescription) gave \(name)=\(value)")
        require(CookieParser.value(of: name, in: header) == value, "looking up \(name) in \(header.debugDescription)")
    }
    require(CookieParser.value(of: "totpgate", in: header) == cookies["totpgate"], "looking up an absent name")
    require(CookieParser.parse(header + "; " + header) == cookies, "repeating \(header.debugDescription) changed it")
    require(CookieParser.value(of: "totpgate", in: "totpgate=planted; " + header) == "planted", "a cookie in front lost")

    let request = Request(headers: ["Cookie": header, "cookie": "totpgate=second; other=2"])
    require(request.cookie("totpgate") == cookies["totpgate"] ?? "second", "the first Cookie header did not win")
}

private func checkBuiltHeader(_ input: FuzzInput) {
    var input = input
    var header = ""
    var first: [String: String] = [:]
    while !input.isEmpty {
        let style = input.byte()
        let name = String(decoding: input.field().filter { SetCookie.isValidName(String(UnicodeScalar($0))) }, as: UTF8.self)
        let value = String(decoding: input.field().filter(isCookieOctet), as: UTF8.self)
        // Junk no parser could take for a cookie: no `=`, and no `;` to split it.
        let junk = String(decoding: input.field().filter { $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: ";") }, as: UTF8.self)
        let padding = style & 1 == 0 ? "" : " \t "
        let quoted = style & 2 == 0 ? value : "\"" + value + "\""
        if !name.isEmpty {
            header += padding + name + padding + "=" + padding + quoted + padding + ";"
            if first[name] == nil { first[name] = value }
        }
        if style & 4 != 0 { header += junk + ";" }
    }
    require(CookieParser.parse(header) == first, "\(header.debugDescription) read as \(CookieParser.parse(header)), not \(first)")
}

/// RFC 6265 cookie-octet: visible ASCII except `"`, `,`, `;` and `\`.
private func isCookieOctet(_ byte: UInt8) -> Bool {
    (0x21...0x7E).contains(byte) && !"\",;\\".utf8.contains(byte)
}
