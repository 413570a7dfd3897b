import Crypto
import Encoding
import Testing
@testable import Web

struct SessionTests {
    static let now: Int64 = 1_800_000_000
    static let key = try! SigningKeyRing.Key(id: "k1", secret: .init(repeating: 1, count: 32))
    static let other = try! SigningKeyRing.Key(id: "k2", secret: .init(repeating: 2, count: 32))
    let codec = SessionCodec(keys: try! SigningKeyRing(keys: [key]))

    static let full = Session(id: "sid", stage: .full, userID: 7, username: "alice | ünï%", generation: 3,
                              issuedAt: now - 100, lastSeen: now - 10, csrfToken: "csrf",
                              flash: "Welcome | back", returnTo: "/app?x=1|2")

    @Test func roundTrips() throws {
        #expect(codec.decode(try codec.encode(Self.full), now: Self.now) == Self.full)
    }

    @Test(arguments: [Session.Stage.anonymous, .password, .enrolling, .full])
    func roundTripsEveryStage(_ stage: Session.Stage) throws {
        let session = Session(id: "i", stage: stage, userID: stage == .anonymous ? nil : 1, issuedAt: Self.now, csrfToken: "c")
        #expect(codec.decode(try codec.encode(session), now: Self.now) == session)
    }

    /// The MAC is the one RFC 2104 defines over `kid.payload` under the key, whichever pooled context made it.
    @Test func macIsHMACSHA256OfTheSignedPart() throws {
        let value = try codec.encode(Self.full)
        let signed = value[..<value.lastIndex(of: ".")!]
        let mac = try HMAC.authenticationCode(algorithm: .sha256, key: Self.key.secret, message: Array(signed.utf8))
        #expect(value.hasSuffix("." + Base64URL.encode(mac)))
    }

    /// The value's layout, byte for byte: cookies already in browsers must keep reading after an upgrade.
    @Test func encodesTheDocumentedLayout() throws {
        let payload = ["1", "sid", "f", "7", "3", "\(Self.now - 100)", "\(Self.now - 10)", "csrf",
                       PercentEncoding.encode("alice | ünï%"), PercentEncoding.encode("Welcome | back"),
                       PercentEncoding.encode("/app?x=1|2", allowing: "/?#[]@!$&'()*+,;=:"), "", ""].joined(separator: "|")
        let signed = "k1." + Base64URL.encode(Array(payload.utf8))
        let mac = try HMAC.authenticationCode(algorithm: .sha256, key: Self.key.secret, message: Array(signed.utf8))
        #expect(try codec.encode(Self.full) == signed + "." + Base64URL.encode(mac))
    }

    /// Threads sign and read their own sessions at once through the key's shared MAC contexts.
    @Test func concurrentSigningAndReading() async throws {
        let codec = codec
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        let session = Session(id: "s\(task)-\(round)", stage: .full, userID: Int64(task), issuedAt: Self.now,
                                              csrfToken: "c\(round)")
                        guard codec.decode(try codec.encode(session), now: Self.now) == session else { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    @Test func keysWithTheSameIDAndSecretAreEqual() throws {
        #expect(try SigningKeyRing.Key(id: "k1", secret: .init(repeating: 1, count: 32)) == Self.key)
        #expect(try SigningKeyRing.Key(id: "k1", secret: .init(repeating: 2, count: 32)) != Self.key)
    }

    @Test func isCookieSafeAndCarriesTheKeyID() throws {
        let value = try codec.encode(Self.full)
        #expect(value.hasPrefix("k1."))
        #expect(value.utf8.allSatisfy { CookieParser.isCookieOctet($0) })
    }

    @Test func anyTamperingVoidsIt() throws {
        let value = Array(try codec.encode(Self.full))
        for index in value.indices where value[index] != "." {
            var tampered = value
            tampered[index] = tampered[index] == "A" ? "B" : "A"
            #expect(codec.decode(String(tampered), now: Self.now) == nil, "byte \(index)")
        }
    }

    @Test(arguments: ["", "garbage", "k1..", "k1.abc.def", "zz.a.b", "k1.a.b.c"])
    func junkReadsAsNoSession(_ value: String) {
        #expect(codec.decode(value, now: Self.now) == nil)
    }

    @Test func aSignatureFromAnotherKeyIsRefused() throws {
        let forged = try SessionCodec(keys: SigningKeyRing(keys: [try SigningKeyRing.Key(id: "k1", secret: .init(repeating: 9, count: 32))]))
        #expect(codec.decode(try forged.encode(Self.full), now: Self.now) == nil)
    }

    @Test func rotationKeepsOldCookiesValid() throws {
        let old = try codec.encode(Self.full)
        let rotated = SessionCodec(keys: try SigningKeyRing(keys: [Self.other, Self.key]))
        #expect(rotated.decode(old, now: Self.now) == Self.full)
        #expect(try rotated.encode(Self.full).hasPrefix("k2."))
        let dropped = SessionCodec(keys: try SigningKeyRing(keys: [Self.other]))
        #expect(dropped.decode(old, now: Self.now) == nil)
    }

    struct Expiry: Sendable {
        let stage: Session.Stage
        let age: Int64
        let idle: Int64
        let valid: Bool
    }

    static let expiries: [Expiry] = [
        Expiry(stage: .full, age: 0, idle: 0, valid: true),
        Expiry(stage: .full, age: 12 * 3600 - 1, idle: 0, valid: true),
        Expiry(stage: .full, age: 12 * 3600, idle: 0, valid: false),
        Expiry(stage: .full, age: 3600, idle: 30 * 60 - 1, valid: true),
        Expiry(stage: .full, age: 3600, idle: 30 * 60, valid: false),
        Expiry(stage: .password, age: 5 * 60 - 1, idle: 0, valid: true),
        Expiry(stage: .password, age: 5 * 60, idle: 0, valid: false),
        Expiry(stage: .enrolling, age: 5 * 60 - 1, idle: 0, valid: true),
        Expiry(stage: .enrolling, age: 5 * 60, idle: 0, valid: false),
        Expiry(stage: .anonymous, age: 3600, idle: 30 * 60, valid: false),
        Expiry(stage: .anonymous, age: 3600, idle: 60, valid: true),
    ]

    @Test(arguments: expiries)
    func expiresByStage(_ e: Expiry) throws {
        let session = Session(id: "i", stage: e.stage, userID: e.stage == .anonymous ? nil : 1,
                              issuedAt: Self.now - e.age, lastSeen: Self.now - e.idle, csrfToken: "c")
        #expect((codec.decode(try codec.encode(session), now: Self.now) != nil) == e.valid)
    }

    @Test func refusesCookiesFromTheFuture() throws {
        let session = Session(id: "i", stage: .full, userID: 1, issuedAt: Self.now + 3600, csrfToken: "c")
        #expect(codec.decode(try codec.encode(session), now: Self.now) == nil)
    }

    /// Found by fuzzing (fuzz/Corpus/session/generation-int64-min): the number
    /// reader negated a positive sum, so `Int64.min` did not read back.
    @Test(arguments: [Int64.min, Int64.min + 1, -1, Int64.max])
    func numbersRoundTripToTheExtremes(_ number: Int64) throws {
        var session = Self.full
        session.generation = number
        session.userID = number
        #expect(codec.decode(try codec.encode(session), now: Self.now) == session)
    }

    /// Found by fuzzing (fuzz/Corpus/session/times-too-far-to-subtract): a
    /// signed cookie with a time too far from now to subtract trapped on
    /// overflow, killing the process.
    @Test(arguments: [(Int64.min + 1, now), (now, Int64.min + 1), (Int64.max, Int64.max), (Int64.min, Int64.min)])
    func timesTooFarOutReadAsNoSession(_ issuedAt: Int64, _ lastSeen: Int64) throws {
        let session = Session(id: "i", stage: .full, userID: 1, issuedAt: issuedAt, lastSeen: lastSeen, csrfToken: "c")
        #expect(codec.decode(try codec.encode(session), now: Self.now) == nil)
        #expect(codec.decode(try codec.encode(session), now: -Self.now) == nil)
    }

    @Test func renewsOnlyAfterTheInterval() {
        var session = Self.full
        session.lastSeen = Self.now - 59
        #expect(!codec.needsRenewal(session, now: Self.now))
        session.lastSeen = Self.now - 60
        #expect(codec.needsRenewal(session, now: Self.now))
    }

    @Test func advancingIssuesANewIDAndToken() throws {
        let anonymous = try Session.anonymous(now: Self.now)
        let advanced = try anonymous.advanced(to: .password, userID: 5, username: "bob", generation: 2, now: Self.now)
        #expect(advanced.id != anonymous.id)
        #expect(advanced.csrfToken != anonymous.csrfToken)
        #expect(advanced.stage == .password && advanced.userID == 5 && advanced.generation == 2)
    }

    @Test func anonymousSessionsAreRandom() throws {
        let tokens = try (0..<50).map { _ in try Session.anonymous(now: 0).csrfToken }
        #expect(Set(tokens).count == 50)
        #expect(tokens.allSatisfy { Base64URL.decode($0)?.count == 16 })
    }

    @Test(arguments: ["", "has space", "toolongkeyid12345", "ü"])
    func keyIDsAreShortTokens(_ id: String) {
        #expect(throws: SigningKeyRing.Error.invalidKeyID(id)) { try SigningKeyRing.Key(id: id, secret: .init(repeating: 0, count: 32)) }
    }

    @Test func aRingHoldsAtLeastOneKeyAndNoIDTwice() {
        #expect(throws: SigningKeyRing.Error.empty) { try SigningKeyRing(keys: []) }
        #expect(throws: SigningKeyRing.Error.duplicateKeyID("k1")) { try SigningKeyRing(keys: [Self.key, Self.other, Self.key]) }
    }

    @Test func keysNeedAtLeast256Bits() {
        #expect(throws: SigningKeyRing.Error.keyTooShort(bytes: 31)) { try SigningKeyRing.Key(id: "a", secret: .init(repeating: 0, count: 31)) }
    }
}
