import Crypto
import OTP

/// The settings of ``AccountService``.
public struct AccountConfiguration: Sendable {
    /// The issuer authenticator apps show above the account name.
    public var issuer = "totpgate"
    /// TOTP hash function of new enrolments and of every check.
    public var algorithm: HashAlgorithm = .sha1
    /// Digits of a TOTP code.
    public var digits = 6
    /// Seconds per TOTP step.
    public var period = 30
    /// Steps either side of the current one whose codes are accepted (clock drift).
    public var window = 1
    /// The rule for consecutive failures (`throttle-delay`, `lock-duration`),
    /// which ``throttleRules`` applies per name and address.
    public var throttle = ThrottlePolicy()
    /// Seconds a remembered device stands in for a code, from when it was
    /// remembered (`remember-device`); 0 remembers none.
    public var rememberDevice: Int64 = 30 * 86_400

    /// Throttle rows with no failure and no lock in force for this long are purged.
    public static let throttleIdleLifetime: Int64 = 30 * 86_400

    /// The defaults: Google Authenticator's TOTP (SHA-1, 6 digits, 30 s), ±1 step.
    public init() {}

    /// Throttling by name and client address over ``throttle``.
    public var throttleRules: ThrottleRules { ThrottleRules(policy: throttle) }
}

/// The business rules of accounts: what the HTTP handlers and `totpgate user`
/// call. Time is always passed in (`now`, Unix seconds), never read here.
///
/// The rules are split by who calls them: logging in (`AccountService+Login`),
/// enrolment and recovery codes (`+Enrolment`), sessions and remembered
/// devices (`+Sessions`, `+Devices`), and administration (`+Administration`).
///
/// Unknown user, wrong password and wrong code all come out as
/// `.refused(.failed)`. An unknown name goes through the very code path of a
/// real one — the same queries, the same throttle rows (keyed by the
/// submitted name's ``ThrottleSubject``), one scrypt — so no answer, timing
/// or restart tells whether a name exists. Every checked attempt is counted
/// before the check (``AttemptClaim``), so throttling holds across threads,
/// processes and hosts.
///
/// A service wraps one store connection and is not safe to share between
/// threads; make one per worker thread (copies are cheap, so a copy per
/// request with its own ``audit`` sink is fine).
public struct AccountService {
    /// The store under the service.
    public let store: any UserStore
    /// The settings.
    public let configuration: AccountConfiguration
    /// Receives every security event; the caller adds the client address and logs it.
    public var audit: (AuditEvent) -> Void

    let hasher: PasswordHasher
    let cipher: SecretCipher
    let recoveryCodes: RecoveryCodes
    let keys: AccountKeys

    /// A service over `store`, sealing secrets and hashing recovery codes,
    /// throttle subjects and device ids with `keys`.
    public init(
        store: any UserStore, keys: AccountKeys, hasher: PasswordHasher,
        configuration: AccountConfiguration = AccountConfiguration(),
        audit: @escaping (AuditEvent) -> Void = { _ in }
    ) {
        self.store = store
        self.configuration = configuration
        self.audit = audit
        self.hasher = hasher
        self.keys = keys
        cipher = SecretCipher(keys: keys)
        recoveryCodes = RecoveryCodes(keys: keys)
    }

    // MARK: Parts the rules share

    /// The throttle rows of an attempt on `name` (as submitted, or as stored) from `client`.
    func attemptKeys(name: String, client: ClientAddress) throws -> AttemptKeys {
        AttemptKeys(subject: try subject(of: name), client: client)
    }

    func subject(of name: String) throws -> ThrottleSubject {
        try keys.throttleSubject(of: name)
    }

    /// Claims an attempt on the rows of `keys` and runs `body` with it, or
    /// reports and returns the refusal when one of them takes no attempt now.
    /// `user` names the account in audit lines; nil for an unknown name.
    func attempt<Outcome>(
        _ keys: AttemptKeys, user: String?, now: Int64, refused: (Refusal) -> Outcome, _ body: (AttemptClaim) throws -> Outcome
    ) throws -> Outcome {
        switch try store.claimAttempt(keys, rules: configuration.throttleRules, now: now) {
        case .claimed(let claim):
            return try body(claim)
        case .refused(let refusal):
            switch refusal {
            case .throttled(let retryAfter): audit(.throttled(user: user, retryAfter: retryAfter))
            case .locked: audit(.refusedWhileLocked(user: user))
            case .failed: break  // a claim refuses only by throttling or locking
            }
            return refused(refusal)
        }
    }

    /// Reports a failed attempt (already counted by its claim) and the locks it caused, if any.
    func failed(_ claim: AttemptClaim, user: String?, _ event: AuditEvent) -> Refusal {
        audit(event)
        for scope in claim.newLocks { audit(.locked(user: user, scope: scope)) }
        return .failed
    }

    /// Resets the rows of a full success and purges what has expired.
    func succeeded(_ keys: AttemptKeys, now: Int64) throws {
        try store.clearThrottleStates(keys.all)
        try purgeExpired(now: now)
    }

    enum CodeCheck {
        case accepted(AuditEvent.SecondFactor)
        case refused(AuditEvent)
    }

    /// Checks a TOTP code (refusing a replayed step) or, when allowed, a
    /// recovery code (using it up) against the user's enrolled secret.
    func check(_ code: String, of user: UserRecord, now: Int64, acceptingRecoveryCodes: Bool) throws -> CodeCheck {
        guard let sealed = user.sealedSecret else { return .refused(.loginFailed(user: user.name, failure: .code)) }
        // Shape decides: a recovery code has ten characters, a TOTP code at most eight.
        if let hash = try recoveryCodes.hash(code, userID: user.id) {
            guard acceptingRecoveryCodes, try store.consumeRecoveryCode(userID: user.id, hash: hash, at: now) else {
                return .refused(.loginFailed(user: user.name, failure: .code))
            }
            audit(.recoveryCodeUsed(user: user.name, remaining: try store.unusedRecoveryCodeCount(userID: user.id)))
            return .accepted(.recoveryCode)
        }
        guard let step = try totp(sealed: sealed, userID: user.id).verify(code, at: now, window: configuration.window) else {
            return .refused(.loginFailed(user: user.name, failure: .code))
        }
        // A step is a Unix time divided by the period, so it fits in Int64.
        guard try store.acceptStep(userID: user.id, step: Int64(step)) else { return .refused(.replayRefused(user: user.name)) }
        return .accepted(.totp)
    }

    func totp(sealed: [UInt8], userID: Int64) throws -> TOTP {
        try TOTP(secret: cipher.open(sealed, userID: userID), algorithm: configuration.algorithm,
                 digits: configuration.digits, period: configuration.period)
    }

    func existingUser(id: Int64) throws -> UserRecord {
        guard let user = try store.user(id: id) else { throw AccountError.userNotFound("#\(id)") }
        return user
    }

    func existingUser(named name: String) throws -> UserRecord {
        guard let user = try store.user(named: name) else { throw AccountError.userNotFound(name) }
        return user
    }

    /// A code as typed, without the spaces apps show between its digits; nil when empty.
    static func submitted(_ code: String?) -> String? {
        guard let code = code?.filter({ !$0.isWhitespace }), !code.isEmpty else { return nil }
        return code
    }
}
