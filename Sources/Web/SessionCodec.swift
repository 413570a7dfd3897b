import Crypto
import Encoding

/// Signs sessions into cookie values and reads them back.
///
/// Value: `kid.payload.mac`, base64url parts, the MAC HMAC-SHA256 over
/// `kid.payload` under the key `kid` names. Anything that does not verify, or
/// has expired, reads as no session at all.
public struct SessionCodec: Sendable {
    public let keys: SigningKeyRing
    public let lifetimes: SessionLifetimes

    public init(keys: SigningKeyRing, lifetimes: SessionLifetimes = SessionLifetimes()) {
        self.keys = keys
        self.lifetimes = lifetimes
    }

    /// The cookie value for `session`, signed with the current key.
    public func encode(_ session: Session) throws -> String {
        let fields: [String] = [
            "1", session.id, session.stage.rawValue, session.userID.map(String.init) ?? "", String(session.generation),
            String(session.issuedAt), String(session.lastSeen), session.csrfToken,
            PercentEncoding.encode(session.username), PercentEncoding.encode(session.flash ?? ""),
            // Only '%' and the separator need escaping in a return address: keep it short.
            PercentEncoding.encode(session.returnTo ?? "", allowing: Self.plainInReturnAddress),
            session.enrolment ?? "",
            session.codeEnteredAt.map(String.init) ?? "",
        ]
        // Built as bytes in one array and signed in place: joining, concatenating and converting Strings cost half the encoding.
        var payload: [UInt8] = []
        payload.reserveCapacity(fields.reduce(fields.count) { $0 + $1.utf8.count })
        for (index, field) in fields.enumerated() {
            if index > 0 { payload.append(UInt8(ascii: "|")) }
            payload.append(contentsOf: field.utf8)
        }
        var value = Array(keys.current.id.utf8)
        value.reserveCapacity(value.count + 1 + (payload.count * 4 + 2) / 3 + 1 + 43)  // id.payload.mac, in one allocation
        value.append(UInt8(ascii: "."))
        Base64URL.encode(payload, appendingTo: &value)
        let mac = try keys.current.mac.authenticationCode(for: value)
        value.append(UInt8(ascii: "."))
        Base64URL.encode(mac, appendingTo: &value)
        guard value.count <= Self.maximumValueSize else { throw SessionCodecError.tooLarge(value.count) }
        return String(decoding: value, as: UTF8.self)
    }

    /// The longest cookie value written or read: browsers keep 4,096 bytes per
    /// cookie, and the web server's response header buffer must hold it too.
    public static let maximumValueSize = 3500

    /// Characters of a return address left as they are (all of RFC 3986's but `%`, and `|`, the field separator).
    private static let plainInReturnAddress = "/?#[]@!$&'()*+,;=:"

    /// The session in `value` when its MAC verifies and it has not expired at `now`.
    public func decode(_ value: String, now: Int64) -> Session? {
        // On one copy of the bytes, split at its two dots: an array's integer indices cost a
        // fraction of a String view's, and every byte of a valid value is ASCII anyway.
        guard value.utf8.count <= Self.maximumValueSize else { return nil }
        let bytes = Array(value.utf8)
        let dot = UInt8(ascii: ".")
        guard let keyEnd = bytes.firstIndex(of: dot),
              let payloadEnd = bytes[(keyEnd + 1)...].firstIndex(of: dot),
              !bytes[(payloadEnd + 1)...].contains(dot),
              let key = keys.key(id: String(decoding: bytes[..<keyEnd], as: UTF8.self)),
              let mac = Base64URL.decode(symbols: bytes[(payloadEnd + 1)...]),
              let expected = try? key.mac.authenticationCode(for: bytes[..<payloadEnd]),
              ConstantTime.equal(mac, expected),
              let payload = Base64URL.decode(symbols: bytes[(keyEnd + 1)..<payloadEnd]),
              let session = Self.parse(payload)
        else { return nil }
        guard let age = Self.seconds(from: session.issuedAt, to: now), let idle = Self.seconds(from: session.lastSeen, to: now),
              age >= -60, idle >= -60,  // allow clock skew between hosts
              age < lifetimes.absoluteLimit(for: session.stage), idle < lifetimes.idle
        else { return nil }
        return session
    }

    /// `now - time`, or nil when that does not fit in `Int64`: a time that far
    /// out is no time a session could have, and must not trap the process.
    private static func seconds(from time: Int64, to now: Int64) -> Int64? {
        let (difference, overflow) = now.subtractingReportingOverflow(time)
        return overflow ? nil : difference
    }

    /// Whether a response should re-issue the cookie to record activity.
    public func needsRenewal(_ session: Session, now: Int64) -> Bool {
        (Self.seconds(from: session.lastSeen, to: now) ?? .max) >= lifetimes.renewalInterval
    }

    private static func parse(_ payload: [UInt8]) -> Session? {
        // On bytes: every byte the encoder writes is ASCII, and Strings are made only for the fields kept.
        let fields = payload.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false)
        // 12 fields: a cookie from before the code time was recorded, which reads as no code entered.
        guard fields.count == 12 || fields.count == 13, fields[0].elementsEqual("1".utf8),
              let stage = Session.Stage(rawValue: text(fields[2])),
              let generation = integer(fields[4]), let issuedAt = integer(fields[5]), let lastSeen = integer(fields[6]),
              let username = decoded(fields[8]), let flash = decoded(fields[9]), let returnTo = decoded(fields[10])
        else { return nil }
        let userID = integer(fields[3])
        guard (userID == nil) == (stage == .anonymous) else { return nil }
        // Empty means absent: an empty flash or return address carries nothing.
        return Session(id: text(fields[1]), stage: stage, userID: userID, username: username, generation: generation,
                       issuedAt: issuedAt, lastSeen: lastSeen, csrfToken: text(fields[7]),
                       flash: flash.isEmpty ? nil : flash, returnTo: returnTo.isEmpty ? nil : returnTo,
                       enrolment: fields[11].isEmpty ? nil : text(fields[11]),
                       codeEnteredAt: fields.count == 13 ? integer(fields[12]) : nil)
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// A field the encoder percent-encoded; most hold no `%` and need no decoding.
    private static func decoded(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.contains(UInt8(ascii: "%")) else { return text(bytes) }
        return try? PercentEncoding.decode(text(bytes))
    }

    /// A decimal integer, optionally negative, that fits `Int64`; nil otherwise.
    /// A negative one is summed downwards, so `Int64.min` reads too.
    private static func integer(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}

/// Why a session could not be written into a cookie.
public enum SessionCodecError: Error, Equatable {
    /// The signed value would exceed ``SessionCodec/maximumValueSize`` bytes.
    case tooLarge(Int)
}
