import Foundation
import Encoding
import FuzzSupport

/// `PercentEncoding`, which decodes form bodies, query strings, Key URIs and
/// the text fields of session cookies.
///
/// - decoding agrees with Foundation's `removingPercentEncoding` (an independent
///   decoder): the same texts accepted, the same results, except that
///   Foundation repairs escaped bytes that are not UTF-8 where decode refuses;
/// - `+` as a space reads exactly like a space written in its place;
/// - decoding never makes a text longer;
/// - `encode` writes only unreserved characters, the ones allowed and `%XX`, and
///   decoding gives the text back, whatever the allowed set (without `%`).
@main
enum PercentFuzzer: FuzzTarget {
    static func check(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        checkDecoding(text)
        let spaced = String(decoding: text.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        let plusAsSpace = try? PercentEncoding.decode(text, plusAsSpace: true)
        require(plusAsSpace == (try? PercentEncoding.decode(spaced)), "'+' in \(text.debugDescription) is not a space")
        for allowed in ["", "@", "/?#[]@!$&'()*+,;=:"] {
            let encoded = PercentEncoding.encode(text, allowing: allowed)
            require(isEncoding(encoded, allowing: allowed), "encode(\(text.debugDescription)) = \(encoded.debugDescription)")
            require((try? PercentEncoding.decode(encoded)) == text, "\(encoded.debugDescription) does not decode to \(text.debugDescription)")
        }
    }
}

private func checkDecoding(_ text: String) {
    let decoded = try? PercentEncoding.decode(text)
    let reference = text.removingPercentEncoding
    if let decoded {
        require(decoded == reference, "decode(\(text.debugDescription)) = \(decoded.debugDescription), Foundation: \(reference.debugDescription)")
        require(decoded.utf8.count <= text.utf8.count, "decoding \(text.debugDescription) made it longer")
    } else if let reference {
        // Foundation repairs escaped bytes that are not UTF-8 (with U+FFFD), where PercentEncoding refuses them.
        require(replacements(in: reference) > replacements(in: text),
                "decode refused \(text.debugDescription), Foundation read \(reference.debugDescription)")
    }
}

/// Whether `encoded` holds only RFC 3986 unreserved characters, `allowed` and `%XX` with upper-case hex digits.
private func isEncoding(_ encoded: String, allowing allowed: String) -> Bool {
    let plain = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8).union(allowed.utf8)
    let hex = Set("0123456789ABCDEF".utf8)
    var bytes = encoded.utf8[...]
    while let byte = bytes.popFirst() {
        if plain.contains(byte) { continue }
        guard byte == UInt8(ascii: "%"), let high = bytes.popFirst(), let low = bytes.popFirst(),
              hex.contains(high), hex.contains(low) else { return false }
    }
    return true
}

/// How many U+FFFD REPLACEMENT CHARACTERs `text` holds.
private func replacements(in text: String) -> Int {
    text.unicodeScalars.count { $0 == "\u{FFFD}" }
}
