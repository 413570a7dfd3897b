import Crypto
import Encoding
import OTP

/// Enrolment of the second factor, and recovery codes.
extension AccountService {
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
    /// the user ends (the outcome carries the new session generation). A wrong
    /// code counts as a failure from `client` like any other.
    public func completeEnrolment(userID: Int64, ticket: String, code: String, client: ClientAddress, now: Int64) throws
        -> EnrolmentOutcome
    {
        let (user, pending) = try enrolment(userID: userID, ticket: ticket)
        guard let code = Self.submitted(code) else { return .refused(.failed) }
        let keys = try attemptKeys(name: user.name, client: client)
        return try attempt(keys, user: user.name, now: now, refused: EnrolmentOutcome.refused) { claim in
            guard let step = try totp(sealed: pending, userID: user.id).verify(code, at: now, window: configuration.window) else {
                return .refused(failed(claim, user: user.name, .loginFailed(user: user.name, failure: .code)))
            }
            let issued = try recoveryCodes.generate(for: user.id)
            guard let generation = try store.enrol(userID: user.id, sealedSecret: pending, replacingPending: pending,
                                                   lastStep: Int64(step), recoveryCodeHashes: issued.hashes, at: now)
            else {
                // Another request completed or replaced this enrolment meanwhile.
                return .refused(.failed)
            }
            try succeeded(keys, now: now)
            audit(.enrolled(user: user.name))
            let enrolled = AuthenticatedUser(id: user.id, name: user.name, sessionGeneration: generation)
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
    /// a recovery code: one stolen code must not mint ten more). A wrong code
    /// counts as a failure from `client`.
    public func regenerateRecoveryCodes(userID: Int64, code: String, client: ClientAddress, now: Int64) throws
        -> CodeConfirmation
    {
        let user = try existingUser(id: userID)
        guard user.isEnrolled else { throw AccountError.notEnrolled(user.name) }
        guard let code = Self.submitted(code) else { return .refused(.failed) }
        let keys = try attemptKeys(name: user.name, client: client)
        return try attempt(keys, user: user.name, now: now, refused: CodeConfirmation.refused) { claim in
            switch try check(code, of: user, now: now, acceptingRecoveryCodes: false) {
            case .accepted:
                let issued = try recoveryCodes.generate(for: user.id)
                try store.replaceRecoveryCodes(userID: user.id, hashes: issued.hashes)
                try succeeded(keys, now: now)
                audit(.recoveryCodesRegenerated(user: user.name))
                return .confirmed(recoveryCodes: issued.codes)
            case .refused(let event):
                return .refused(failed(claim, user: user.name, event))
            }
        }
    }

    /// How many unused recovery codes the user has.
    public func remainingRecoveryCodes(userID: Int64) throws -> Int {
        try store.unusedRecoveryCodeCount(userID: userID)
    }
}
