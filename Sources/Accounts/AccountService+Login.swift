/// Logging in: the password step, the code step, and a remembered device
/// standing in for the code.
extension AccountService {
    /// Checks a name and password, and `code` when given (an empty one counts
    /// as none): a one-shot login, or the first of two steps. `device`, from
    /// the browser's verified remember-device cookie, stands in for the code
    /// while it is valid (``isRemembered(_:of:now:)``).
    ///
    /// Any name, known, unknown or malformed, takes the same path: one
    /// lookup, one claim on its subject's rows, one scrypt. A right password
    /// alone neither counts as a failure nor resets the count: only a right
    /// second factor (or a remembered device standing in for it) does that.
    public func login(
        name: String, password: String, code: String?, client: ClientAddress, device: DeviceCredential? = nil, now: Int64
    ) throws -> LoginOutcome {
        let user = try store.user(named: name)
        let keys = try attemptKeys(name: name, client: client)
        return try attempt(keys, user: user?.name, now: now, refused: LoginOutcome.refused) { claim in
            guard let user else {
                try hasher.verifyUnknownUser(password)
                return .refused(failed(claim, user: nil, .loginFailed(user: nil, failure: .unknownUser)))
            }
            guard try hasher.verify(password, against: user.passwordHash) else {
                return .refused(failed(claim, user: user.name, .loginFailed(user: user.name, failure: .password)))
            }
            if hasher.needsRehash(user.passwordHash) {
                _ = try store.setPasswordHash(userID: user.id, try hasher.hash(password), endingSessions: false)
            }
            if let code = Self.submitted(code), user.isEnrolled {
                return try secondFactor(code, of: user, claim: claim, now: now)
            }
            if user.isEnrolled, let device, try isRemembered(device, of: user, now: now) {
                try succeeded(keys, now: now)
                audit(.loginSucceeded(user: user.name, factor: .rememberedDevice))
                return .success(AuthenticatedUser(user))
            }
            try store.refund(claim)
            return user.isEnrolled ? .needsCode(AuthenticatedUser(user)) : .needsEnrolment(AuthenticatedUser(user))
        }
    }

    /// The second step of a login: a TOTP code or a recovery code for a user
    /// whose password was just checked, from `client`.
    public func verifySecondFactor(userID: Int64, code: String, client: ClientAddress, now: Int64) throws -> LoginOutcome {
        guard let user = try store.user(id: userID) else { return .refused(.failed) }
        guard user.isEnrolled else { return .needsEnrolment(AuthenticatedUser(user)) }
        guard let code = Self.submitted(code) else { return .needsCode(AuthenticatedUser(user)) }
        let keys = try attemptKeys(name: user.name, client: client)
        return try attempt(keys, user: user.name, now: now, refused: LoginOutcome.refused) { claim in
            try secondFactor(code, of: user, claim: claim, now: now)
        }
    }

    private func secondFactor(_ code: String, of user: UserRecord, claim: AttemptClaim, now: Int64) throws -> LoginOutcome {
        switch try check(code, of: user, now: now, acceptingRecoveryCodes: true) {
        case .accepted(let factor):
            try succeeded(claim.keys, now: now)
            audit(.loginSucceeded(user: user.name, factor: factor))
            return .success(AuthenticatedUser(user))
        case .refused(let event):
            return .refused(failed(claim, user: user.name, event))
        }
    }
}
