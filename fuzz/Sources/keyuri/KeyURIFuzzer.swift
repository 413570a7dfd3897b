import FuzzSupport
import Crypto
import OTP

/// `KeyURI`, the `otpauth://` URI read by `totpgate qr --uri` and written for
/// every enrolment's QR code.
///
/// - A URI that parses has a secret, an account, 6–8 digits and a positive
///   period, no colon in its label parts (as bytes: apps split the label at
///   the first one), and its text parses back to it.
/// - A URI built from the input's fields (account, issuer, secret, algorithm,
///   digits, period), when the initialiser accepts them, is written in
///   URI-safe characters only (no space, `+` or raw Unicode for an app to
///   misread) and parses back to itself.
@main
enum KeyURIFuzzer: FuzzTarget {
    static func check(_ bytes: [UInt8]) {
        checkParsed(String(decoding: bytes, as: UTF8.self))
        checkBuilt(FuzzInput(bytes))
    }
}

private func checkParsed(_ text: String) {
    guard let uri = try? KeyURI(parsing: text) else { return }
    requireWellFormed(uri, text.debugDescription)
}

private func checkBuilt(_ input: FuzzInput) {
    var input = input
    let algorithm = input.pick([HashAlgorithm.sha1, .sha256, .sha512])
    let digits = Int(input.byte() % 10)
    let period = input.bool() ? 30 : Int(input.integer(Int32.self))
    let secret = Array(input.field())
    let account = input.text()
    let issuer = input.bool() ? input.text() : nil
    guard let uri = try? KeyURI(secret: secret, account: account, issuer: issuer, algorithm: algorithm, digits: digits, period: period)
    else { return }
    require(uri.description.utf8.allSatisfy(isURICharacter), "\(uri) has characters a URI must escape")
    requireWellFormed(uri, "built")
}

/// A secret, an account, 6–8 digits, a positive period, no colon (by bytes, as
/// apps split the label) in account or issuer, no empty issuer, and a text
/// that parses back to the same URI.
private func requireWellFormed(_ uri: KeyURI, _ origin: @autoclosure () -> String) {
    require(!uri.secret.isEmpty && !uri.account.isEmpty && (6...8).contains(uri.digits) && uri.period > 0,
            "\(origin()) gave \(uri)")
    let colon = UInt8(ascii: ":")
    require(!uri.account.utf8.contains(colon) && !(uri.issuer?.utf8.contains(colon) ?? false) && uri.issuer != "",
            "\(origin()) gave an ambiguous label: \(uri.issuer.debugDescription), \(uri.account.debugDescription)")
    let text = uri.description
    let again = try? KeyURI(parsing: text)
    require(again == uri, "\(origin()): \(uri) is written as \(text.debugDescription), which parses as \(again.debugDescription)")
}

/// RFC 3986 unreserved and reserved characters but `+` (which query parsers read as a space), and `%` for escapes.
private func isURICharacter(_ byte: UInt8) -> Bool {
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*,;=%".utf8.contains(byte)
}
