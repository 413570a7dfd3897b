import Crypto
import Encoding
import FuzzSupport
import Web

/// `SessionCodec.decode` on session cookie values, with a real key ring.
///
/// - Raw values (the input as text) are refused unless their MAC is right,
///   which a fuzzer cannot forge: an accepted one means a broken check.
/// - Signed payloads (the input after three bytes, signed with the ring's key,
///   so the fuzzer reaches the parser behind the MAC): a session accepted is
///   within its lifetimes at `now` and has a user exactly when past the
///   anonymous stage, encodes and decodes to itself, and any one character
///   changed in the cookie value voids it.
/// - Sessions built from the input's fields (any text in the user name, flash
///   and return address; any times, however far out) decode to themselves
///   when within their lifetimes and consistent, and to nothing otherwise.
@main
enum SessionFuzzer: FuzzTarget {
    static func check(_ bytes: [UInt8]) {
        checkRawValue(String(decoding: bytes, as: UTF8.self))
        checkSignedPayload(FuzzInput(bytes))
        checkBuiltSession(FuzzInput(bytes))
    }
}

private let key = try! SigningKeyRing.Key(id: "k1", secret: Array(repeating: 0x5A, count: 32))
private let retired = try! SigningKeyRing.Key(id: "k0", secret: Array(repeating: 0xA5, count: 32))
private let codec = SessionCodec(keys: try! SigningKeyRing(keys: [key, retired]))
/// The clock the cookies are read at, give or take what the input says.
private let baseNow: Int64 = 1_800_000_000

private func checkRawValue(_ value: String) {
    guard codec.decode(value, now: baseNow) != nil else { return }
    let parts = value.split(separator: ".", omittingEmptySubsequences: false)
    let signed = parts.count == 3 ? codec.keys.key(id: parts[0]).map { signature(parts[0] + "." + parts[1], $0) } : nil
    require(signed != nil && signed == Base64URL.decode(parts[2]), "\(value.debugDescription) was accepted without its MAC")
}

private func checkSignedPayload(_ input: FuzzInput) {
    var input = input
    let now = baseNow + Int64(input.integer(Int16.self))
    let tamperAt = Int(input.byte())
    let signed = key.id + "." + Base64URL.encode(Array(input.rest()))
    let value = signed + "." + Base64URL.encode(signature(signed, key))
    guard let session = codec.decode(value, now: now) else { return }
    requireValid(session, now: now, "\(value.debugDescription) at \(now)")
    if let again = try? codec.encode(session) {
        require(codec.decode(again, now: now) == session, "\(session) does not survive encoding as \(again.debugDescription)")
    }
    var tampered = Array(value.utf8)
    let index = tamperAt * tampered.count / 256
    tampered[index] = tampered[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
    let changed = String(decoding: tampered, as: UTF8.self)
    require(codec.decode(changed, now: now) == nil, "\(changed.debugDescription), \(value.debugDescription) with byte \(index) changed, was accepted")
}

private func checkBuiltSession(_ input: FuzzInput) {
    var input = input
    let now = baseNow + Int64(input.integer(Int16.self))
    let stage = input.pick([Session.Stage.anonymous, .password, .enrolling, .full])
    let userID: Int64? = input.bool() ? input.integer() : nil
    let generation: Int64 = input.integer()
    // Mostly near now, sometimes anywhere at all.
    let issuedAt = input.bool() ? input.integer(Int64.self) : now + Int64(input.integer(Int32.self))
    let lastSeen = input.bool() ? input.integer(Int64.self) : issuedAt &+ Int64(input.integer(Int16.self))
    let session = Session(
        id: token(input.field()), stage: stage, userID: userID, username: input.text(), generation: generation,
        issuedAt: issuedAt, lastSeen: lastSeen, csrfToken: token(input.field()), flash: nonEmpty(input.text()),
        returnTo: nonEmpty(input.text()), enrolment: nonEmpty(token(input.field())))
    guard let value = try? codec.encode(session) else { return }
    let decoded = codec.decode(value, now: now)
    let valid = (userID == nil) == (stage == .anonymous) && isWithinLifetimes(session, now: now)
    require(decoded == (valid ? session : nil), "\(session) at \(now) decoded to \(decoded.debugDescription)")
}

/// Whether `session` may be used at `now`: not from the future (beyond a minute
/// of clock skew), and younger than its stage's lifetime and the idle limit.
/// In 128-bit arithmetic, which no cookie can overflow.
private func isWithinLifetimes(_ session: Session, now: Int64) -> Bool {
    let now = Int128(now), issuedAt = Int128(session.issuedAt), lastSeen = Int128(session.lastSeen)
    return issuedAt <= now + 60 && lastSeen <= now + 60
        && now - issuedAt < Int128(codec.lifetimes.absoluteLimit(for: session.stage))
        && now - lastSeen < Int128(codec.lifetimes.idle)
}

private func requireValid(_ session: Session, now: Int64, _ origin: @autoclosure () -> String) {
    require(isWithinLifetimes(session, now: now), "\(origin()) gave \(session), expired or from the future")
    require((session.userID == nil) == (session.stage == .anonymous), "\(origin()) gave \(session), user and stage disagree")
}

/// HMAC-SHA256 of `text` under `key`, as a cookie carries it.
private func signature(_ text: some StringProtocol, _ key: SigningKeyRing.Key) -> [UInt8] {
    try! HMAC.authenticationCode(algorithm: .sha256, key: key.secret, message: Array(text.utf8))
}

/// The base64url characters of `bytes`, as random ids and tokens are made of.
private func token(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.filter(tokenCharacters.contains), as: UTF8.self)
}

private let tokenCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

private func nonEmpty(_ text: String) -> String? {
    text.isEmpty ? nil : text
}
