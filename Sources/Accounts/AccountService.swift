import Crypto
import Encoding
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
    /// The rule for consecutive failures.
    public var throttle = ThrottlePolicy()

    /// The defaults: Google Authenticator's TOTP (SHA-1, 6 digits, 30 s), ±1 step.
    public init() {}
}

/// The business rules of accounts: what the HTTP handlers and `totpgate user`
/// call. Time is always passed in (`now`, Unix seconds), never read here.
///
/// Unknown user, wrong password and wrong code all come out as
/// `.refused(.failed)`, and an unknown user costs one scrypt like a known
/// one. Every checked attempt is counted before the check (``AttemptClaim``),
/// so throttling holds across threads, processes and hosts.
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
    /// Where unknown names are throttled like accounts; nil leaves them unthrottled
    /// (the CLI, which logs nobody in). Share one per process.
    public var unknownNames: UnknownNameThrottle?

    private let hasher: PasswordHasher
    private let cipher: SecretCipher
    private let recoveryCodes: RecoveryCodes

    /// A service over `store`, sealing secrets and hashing recovery codes with `keys`.
    public init(
        store: any UserStore, keys: AccountKeys, hasher: PasswordHasher,
        configuration: AccountConfiguration = AccountConfiguration(),
        audit: @escaping (AuditEvent) -> Void = { _ in }
    ) {
        self.store = store
        self.configuration = configuration
        self.audit = audit
        self.hasher = hasher
        cipher = SecretCipher(keys: keys)
        recoveryCodes = RecoveryCodes(keys: keys)
    }

    /// A service over a new connection to the SQLite store of `dataDirectory`,
    /// creating its keys and database on first use.
    public init(
        dataDirectory: DataDirectory, hasher: PasswordHasher,
        configuration: AccountConfiguration = AccountConfiguration(),
        audit: @escaping (AuditEvent) -> Void = { _ in }
    ) throws {
        self.init(store: try SQLiteUserStore(dataDirectory: dataDirectory), keys: try AccountKeys(dataDirectory: dataDirectory),
                  hasher: hasher, configuration: configuration, audit: audit)
    }

    // MARK: Logging in

    /// Checks a name and password, and `code` when given (an empty one counts
    /// as none): a one-shot login, or the first of two steps.
    ///
    /// A right password alone neither counts as a failure nor resets the
    /// count: only a right second factor does that.
    public func login(name: String, password: String, code: String?, now: Int64) throws -> LoginOutcome {
        guard UserName.isValid(name), let user = try store.user(named: name) else {
            audit(.loginFailed(user: nil, failure: .unknownUser))
            if let refusal = try unknownNames?.claim(name, policy: configuration.throttle, now: now) {
                return .refused(refusal)  // unchecked, as a throttled account's attempt would be
            }
            try hasher.verifyUnknownUser(password)
            return .refused(.failed)
        }
        return try attempt(on: user, now: now, refused: LoginOutcome.refused) { claim in
            guard try hasher.verify(password, against: user.passwordHash) else {
                return .refused(failed(claim, user: user, .loginFailed(user: user.name, failure: .password)))
            }
            if hasher.needsRehash(user.passwordHash) {
                _ = try store.setPasswordHash(userID: user.id, try hasher.hash(password), endingSessions: false)
            }
            guard user.isEnrolled, let code = Self.submitted(code) else {
                try store.refund(claim)
                return user.isEnrolled ? .needsCode(AuthenticatedUser(user)) : .needsEnrolment(AuthenticatedUser(user))
            }
            return try secondFactor(code, of: user, claim: claim, now: now)
        }
    }

    /// The second step of a login: a TOTP code or a recovery code for a user
    /// whose password was just checked.
    public func verifySecondFactor(userID: Int64, code: String, now: Int64) throws -> LoginOutcome {
        guard let user = try store.user(id: userID) else { return .refused(.failed) }
        guard user.isEnrolled else { return .needsEnrolment(AuthenticatedUser(user)) }
        guard let code = Self.submitted(code) else { return .needsCode(AuthenticatedUser(user)) }
        return try attempt(on: user, now: now, refused: LoginOutcome.refused) { claim in
            try secondFactor(code, of: user, claim: claim, now: now)
        }
    }

    private func secondFactor(_ code: String, of user: UserRecord, claim: AttemptClaim, now: Int64) throws -> LoginOutcome {
        switch try check(code, of: user, now: now, acceptingRecoveryCodes: true) {
        case .accepted(let factor):
            _ = try store.resetThrottleState(userID: user.id)
            audit(.loginSucceeded(user: user.name, factor: factor))
            return .success(AuthenticatedUser(user))
        case .refused(let event):
            return .refused(failed(claim, user: user, event))
        }
    }

    // MARK: Enrolment and recovery codes

    /// Starts an enrolment for the session that is about to show it: a new
    /// 160-bit secret, sealed in the store, replacing any earlier pending one.
    /// Returns the ticket that session keeps (in its cookie: it reveals nothing
    /// of the secret) to see and confirm this enrolment, and only this one.
    ///
    /// One pending secret per login, bound to its session: someone who also
    /// knows the password cannot read the secret another session is
    /// enrolling, and a second login makes the first one's enrolment void.
    public func beginEnrolment(userID: Int64) throws -> String {
        let user = try existingUser(id: userID)
        guard !user.isEnrolled else { throw AccountError.alreadyEnrolled(user.name) }
        let sealed = try cipher.seal(SecretGenerator.generate(), userID: user.id)
        guard try store.startEnrolment(userID: user.id, sealed: sealed) else { throw AccountError.alreadyEnrolled(user.name) }
        return try Self.ticket(for: sealed)
    }

    /// The Key URI of the enrolment `ticket` names, for the QR code and manual
    /// entry. Throws when the user enrolled meanwhile or another login replaced it.
    public func pendingEnrolment(userID: Int64, ticket: String) throws -> KeyURI {
        let (user, pending) = try enrolment(userID: userID, ticket: ticket)
        return try KeyURI(secret: cipher.open(pending, userID: user.id), account: user.name, issuer: configuration.issuer,
                          algorithm: configuration.algorithm, digits: configuration.digits, period: configuration.period)
    }

    /// Enables the enrolment `ticket` names once `code` proves the app has its
    /// secret; the confirmed code counts as used, and every other session of
    /// the user ends. A wrong code counts as a failure like any other.
    public func completeEnrolment(userID: Int64, ticket: String, code: String, now: Int64) throws -> EnrolmentOutcome {
        let (user, pending) = try enrolment(userID: userID, ticket: ticket)
        guard let code = Self.submitted(code) else { return .refused(.failed) }
        return try attempt(on: user, now: now, refused: EnrolmentOutcome.refused) { claim in
            guard let step = try totp(sealed: pending, userID: user.id).verify(code, at: now, window: configuration.window) else {
                return .refused(failed(claim, user: user, .loginFailed(user: user.name, failure: .code)))
            }
            let issued = try recoveryCodes.generate(for: user.id)
            guard try store.enrol(userID: user.id, sealedSecret: pending, replacingPending: pending, lastStep: Int64(step),
                                  recoveryCodeHashes: issued.hashes, at: now)
            else {
                // Another request completed or replaced this enrolment meanwhile.
                return .refused(.failed)
            }
            _ = try store.resetThrottleState(userID: user.id)
            audit(.enrolled(user: user.name))
            var enrolled = AuthenticatedUser(user)
            enrolled.sessionGeneration += 1  // as `enrol` did
            return .enrolled(enrolled, recoveryCodes: issued.codes)
        }
    }

    /// The user and sealed pending secret of the enrolment `ticket` names.
    private func enrolment(userID: Int64, ticket: String) throws -> (UserRecord, [UInt8]) {
        let user = try existingUser(id: userID)
        guard !user.isEnrolled else { throw AccountError.alreadyEnrolled(user.name) }
        guard let pending = user.sealedPendingSecret else { throw AccountError.noPendingEnrolment(user.name) }
        guard ConstantTime.equal(try Self.ticket(for: pending), ticket) else { throw AccountError.enrolmentSuperseded(user.name) }
        return (user, pending)
    }

    /// A one-way name for a sealed pending secret (whose random nonce makes it unique).
    private static func ticket(for sealed: [UInt8]) throws -> String {
        let digest = try HMAC.authenticationCode(algorithm: .sha256, key: Array("totpgate enrolment ticket".utf8), message: sealed)
        return Base32.encode(digest.prefix(16))
    }

    /// Replaces the user's recovery codes, on proof of a current TOTP code (not
    /// a recovery code: one stolen code must not mint ten more).
    public func regenerateRecoveryCodes(userID: Int64, code: String, now: Int64) throws -> CodeConfirmation {
        let user = try existingUser(id: userID)
        guard user.isEnrolled else { throw AccountError.notEnrolled(user.name) }
        guard let code = Self.submitted(code) else { return .refused(.failed) }
        return try attempt(on: user, now: now, refused: CodeConfirmation.refused) { claim in
            switch try check(code, of: user, now: now, acceptingRecoveryCodes: false) {
            case .accepted:
                let issued = try recoveryCodes.generate(for: user.id)
                try store.replaceRecoveryCodes(userID: user.id, hashes: issued.hashes)
                _ = try store.resetThrottleState(userID: user.id)
                audit(.recoveryCodesRegenerated(user: user.name))
                return .confirmed(recoveryCodes: issued.codes)
            case .refused(let event):
                return .refused(failed(claim, user: user, event))
            }
        }
    }

    /// How many unused recovery codes the user has.
    public func remainingRecoveryCodes(userID: Int64) throws -> Int {
        try store.unusedRecoveryCodeCount(userID: userID)
    }

    // MARK: Sessions

    /// The user's session generation and whether `sessionID` was logged out;
    /// nil when the user no longer exists. One cheap query, for `/auth`.
    public func sessionStatus(userID: Int64, sessionID: String) throws -> SessionStatus? {
        try store.sessionStatus(userID: userID, sessionID: sessionID)
    }

    /// Ends one session: its id is refused until `expiresAt`, when its cookie
    /// dies anyway. Revocations already past their expiry are purged here.
    public func logout(_ user: AuthenticatedUser, sessionID: String, expiresAt: Int64, now: Int64) throws {
        try store.revokeSession(id: sessionID, expiresAt: expiresAt)
        _ = try store.purgeRevokedSessions(expiredBy: now)
        audit(.loggedOut(user: user.name))
    }

    // MARK: Administration (`totpgate user …`)

    /// Adds a user; with `totpSecret` (at least 128 bits) also enrols their
    /// second factor and returns its recovery codes, otherwise none and the
    /// user enrols at their first login.
    @discardableResult
    public func addUser(name: String, password: String, totpSecret: [UInt8]?, now: Int64) throws -> [String] {
        try UserName.validate(name)
        try PasswordRules.validate(password)
        if let totpSecret, totpSecret.count * 8 < SecretGenerator.minimumBits {
            throw AccountError.secretTooShort(bits: totpSecret.count * 8, minimum: SecretGenerator.minimumBits)
        }
        let hash = try hasher.hash(password)  // before the transaction, so scrypt does not hold the write lock
        let codes = try store.inTransaction {
            let id = try store.insertUser(name: name, passwordHash: hash, createdAt: now)
            guard let totpSecret else { return [String]() }
            let issued = try recoveryCodes.generate(for: id)
            _ = try store.enrol(userID: id, sealedSecret: try cipher.seal(totpSecret, userID: id), replacingPending: nil,
                                lastStep: nil, recoveryCodeHashes: issued.hashes, at: now)
            return issued.codes
        }
        audit(.userAdded(user: name))
        if totpSecret != nil { audit(.enrolled(user: name)) }
        return codes
    }

    /// Deletes a user, their recovery codes and so every session.
    public func deleteUser(named name: String) throws {
        let user = try existingUser(named: name)
        guard try store.deleteUser(id: user.id) else { throw AccountError.userNotFound(name) }
        audit(.userDeleted(user: user.name))
    }

    /// Sets a new password and ends every session of the user.
    public func changePassword(named name: String, to password: String) throws {
        try PasswordRules.validate(password)
        let user = try existingUser(named: name)
        guard try store.setPasswordHash(userID: user.id, try hasher.hash(password), endingSessions: true) else {
            throw AccountError.userNotFound(name)
        }
        audit(.passwordChanged(user: user.name))
    }

    /// Removes the second factor (and any enrolment in progress and the
    /// recovery codes) and ends every session; the user enrols again at the
    /// next login.
    public func resetSecondFactor(named name: String) throws {
        let user = try existingUser(named: name)
        guard try store.resetSecondFactor(userID: user.id) else { throw AccountError.userNotFound(name) }
        audit(.secondFactorReset(user: user.name))
    }

    /// Lifts a lock and clears the failure count.
    public func unlock(named name: String) throws {
        let user = try existingUser(named: name)
        guard try store.resetThrottleState(userID: user.id) else { throw AccountError.userNotFound(name) }
        audit(.unlocked(user: user.name))
    }

    /// Ends every session of the user.
    public func logoutEverywhere(named name: String) throws {
        let user = try existingUser(named: name)
        guard try store.bumpSessionGeneration(userID: user.id) else { throw AccountError.userNotFound(name) }
        audit(.loggedOutEverywhere(user: user.name))
    }

    /// Every user with their state at `now`, by name.
    public func listUsers(now: Int64) throws -> [UserSummary] {
        try store.allUsers().map { try summary(of: $0, now: now) }
    }

    /// The user's state at `now` (what their home page shows); nil when the user no longer exists.
    public func summary(userID: Int64, now: Int64) throws -> UserSummary? {
        try store.user(id: userID).map { try summary(of: $0, now: now) }
    }

    private func summary(of user: UserRecord, now: Int64) throws -> UserSummary {
        let secondFactor: UserSummary.SecondFactor =
            if let enrolledAt = user.enrolledAt, user.isEnrolled { .enrolled(since: enrolledAt) }
            else if user.sealedPendingSecret != nil { .pending }
            else { .none }
        return UserSummary(
            name: user.name, secondFactor: secondFactor,
            admission: configuration.throttle.admission(user.throttle, now: now),
            failures: user.throttle.failures,
            unusedRecoveryCodes: try store.unusedRecoveryCodeCount(userID: user.id),
            createdAt: user.createdAt)
    }

    // MARK: Parts

    /// Claims an attempt on `user` and runs `body` with it, or reports and
    /// returns the refusal when the account takes no attempt now.
    private func attempt<Outcome>(
        on user: UserRecord, now: Int64, refused: (Refusal) -> Outcome, _ body: (AttemptClaim) throws -> Outcome
    ) throws -> Outcome {
        switch try store.claimAttempt(userID: user.id, state: user.throttle, policy: configuration.throttle, now: now) {
        case .claimed(let claim):
            return try body(claim)
        case .refused(let refusal):
            switch refusal {
            case .throttled(let retryAfter): audit(.throttled(user: user.name, retryAfter: retryAfter))
            case .locked: audit(.refusedWhileLocked(user: user.name))
            case .failed: break  // the user was deleted meanwhile
            }
            return refused(refusal)
        }
    }

    /// Reports a failed attempt (already counted by its claim) and the lock it caused, if any.
    private func failed(_ claim: AttemptClaim, user: UserRecord, _ event: AuditEvent) -> Refusal {
        audit(event)
        if claim.locksAccount { audit(.locked(user: user.name)) }
        return .failed
    }

    private enum CodeCheck {
        case accepted(AuditEvent.SecondFactor)
        case refused(AuditEvent)
    }

    /// Checks a TOTP code (refusing a replayed step) or, when allowed, a
    /// recovery code (using it up) against the user's enrolled secret.
    private func check(_ code: String, of user: UserRecord, now: Int64, acceptingRecoveryCodes: Bool) throws -> CodeCheck {
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

    private func totp(sealed: [UInt8], userID: Int64) throws -> TOTP {
        try TOTP(secret: cipher.open(sealed, userID: userID), algorithm: configuration.algorithm,
                 digits: configuration.digits, period: configuration.period)
    }

    private func existingUser(id: Int64) throws -> UserRecord {
        guard let user = try store.user(id: id) else { throw AccountError.userNotFound("#\(id)") }
        return user
    }

    private func existingUser(named name: String) throws -> UserRecord {
        guard let user = try store.user(named: name) else { throw AccountError.userNotFound(name) }
        return user
    }

    /// A code as typed, without the spaces apps show between its digits; nil when empty.
    private static func submitted(_ code: String?) -> String? {
        guard let code = code?.filter({ !$0.isWhitespace }), !code.isEmpty else { return nil }
        return code
    }
}
