import Crypto
import Encoding

/// What a browser's signed session cookie says. Signed, not encrypted: it
/// never holds a secret, only who the user is and how far the login got.
public struct Session: Sendable, Equatable {
    /// How far the user has authenticated.
    public enum Stage: String, Sendable {
        /// No user yet: the cookie carries the CSRF token of the login form.
        case anonymous = "a"
        /// Right password, the second factor still to come.
        case password = "p"
        /// Right password, no second factor enrolled yet: enrolment in progress.
        case enrolling = "e"
        /// Password and second factor: logged in.
        case full = "f"
    }

    /// A random id naming this session, so it can be revoked on its own.
    public var id: String
    public var stage: Stage
    public var userID: Int64?
    public var username: String
    /// The user's session generation when this session began; a newer one in
    /// the store (logout everywhere, password change) voids the session.
    public var generation: Int64
    /// When this stage began: the absolute lifetime counts from here.
    public var issuedAt: Int64
    /// The last request seen; the idle lifetime counts from here.
    public var lastSeen: Int64
    /// The token every POST of this session must carry.
    public var csrfToken: String
    /// A one-time message for the next page.
    public var flash: String?
    /// Where to go once fully logged in (a checked local path or allowed URL).
    public var returnTo: String?
    /// The enrolment this session started (an opaque ticket naming a secret
    /// kept in the store, never the secret itself).
    public var enrolment: String?
    /// When the user last entered a code in this session (Unix seconds), for
    /// access rules asking for a fresh one; nil when a remembered device stood in for it.
    public var codeEnteredAt: Int64?

    public init(id: String, stage: Stage, userID: Int64? = nil, username: String = "", generation: Int64 = 0,
                issuedAt: Int64, lastSeen: Int64? = nil, csrfToken: String, flash: String? = nil, returnTo: String? = nil,
                enrolment: String? = nil, codeEnteredAt: Int64? = nil) {
        self.id = id
        self.stage = stage
        self.userID = userID
        self.username = username
        self.generation = generation
        self.issuedAt = issuedAt
        self.lastSeen = lastSeen ?? issuedAt
        self.csrfToken = csrfToken
        self.flash = flash
        self.returnTo = returnTo
        self.enrolment = enrolment
        self.codeEnteredAt = codeEnteredAt
    }

    /// A fresh anonymous session with new random id and CSRF token.
    public static func anonymous(now: Int64) throws -> Session {
        let random = try SecureRandom.bytes(count: 32)  // one draw for both tokens
        return Session(id: Base64URL.encode(Array(random[..<16])), stage: .anonymous, issuedAt: now,
                       csrfToken: Base64URL.encode(Array(random[16...])))
    }

    /// This session moved to `stage` for `userID`: new id and CSRF token, so
    /// a session fixed before login is worthless after it.
    public func advanced(to stage: Stage, userID: Int64, username: String, generation: Int64, now: Int64) throws -> Session {
        Session(id: try Self.randomToken(), stage: stage, userID: userID, username: username, generation: generation,
                issuedAt: now, csrfToken: try Self.randomToken(), flash: flash, returnTo: returnTo)
    }

    /// 128 random bits in base64url.
    public static func randomToken() throws -> String {
        Base64URL.encode(try SecureRandom.bytes(count: 16))
    }
}

/// How long sessions live (DESIGN.md: 12 h absolute, 30 min idle, 5 min for
/// the password-only step).
public struct SessionLifetimes: Sendable, Equatable {
    public var absolute: Int64 = 12 * 3600
    public var idle: Int64 = 30 * 60
    public var passwordStep: Int64 = 5 * 60
    /// Enrolment is reached with the password alone, so it lives no longer than the password step.
    public var enrolmentStep: Int64 = 5 * 60
    /// Re-issue the cookie (to move `lastSeen`) at most this often.
    public var renewalInterval: Int64 = 60

    public init() {}

    /// Seconds `stage` may live from `issuedAt`.
    public func absoluteLimit(for stage: Session.Stage) -> Int64 {
        switch stage {
        case .anonymous, .full: absolute
        case .password: passwordStep
        case .enrolling: enrolmentStep
        }
    }
}
