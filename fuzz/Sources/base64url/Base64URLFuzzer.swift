import Encoding
import FuzzSupport

/// `Base64URL`, which reads the payload and MAC parts of session cookies.
///
/// - the input's bytes encode to the URL-safe alphabet only, unpadded
///   (⌈4n/3⌉ symbols), and decode back to themselves;
/// - the input read as text decodes only when it is the one encoding of what
///   it decodes to (no second spelling of a MAC or payload), and is refused
///   otherwise.
@main
enum Base64URLFuzzer: FuzzTarget {
    static func check(_ bytes: [UInt8]) {
        requireRoundTrip(bytes, encode: Base64URL.encode, decode: Base64URL.decode, symbols: { ($0 * 4 + 2) / 3 },
                         alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let text = String(decoding: bytes, as: UTF8.self)
        if let decoded = Base64URL.decode(text) {
            require(Base64URL.encode(decoded) == text, "\(text.debugDescription) decodes to \(decoded), whose encoding differs")
        }
    }
}
