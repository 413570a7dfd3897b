import OTP

/// Administration: what `totpgate user …` calls.
extension AccountService {
    /// Adds a user in `groups`; with `totpSecret` (at least 128 bits) also
    /// enrols their second factor and returns its recovery codes, otherwise
    /// none and the user enrols at their first login.
    @discardableResult
    public func addUser(name: String, password: String, totpSecret: [UInt8]?, groups: [String] = [], now: Int64) throws
        -> [String]
    {
        try UserName.validate(name)
        try PasswordRules.validate(password)
        let groups = Set(try groups.map(GroupName.canonical)).sorted()
        if let totpSecret, totpSecret.count * 8 < SecretGenerator.minimumBits {
            throw AccountError.secretTooShort(bits: totpSecret.count * 8, minimum: SecretGenerator.minimumBits)
        }
        let hash = try hasher.hash(password)  // before the transaction, so scrypt does not hold the write lock
        let codes = try store.inTransaction {
            let id = try store.insertUser(name: name, passwordHash: hash, createdAt: now)
            if !groups.isEmpty { _ = try store.replaceGroups(userID: id, with: groups) }
            guard let totpSecret else { return [String]() }
            let issued = try recoveryCodes.generate(for: id)
            _ = try store.enrol(userID: id, sealedSecret: try cipher.seal(totpSecret, userID: id), replacingPending: nil,
                                lastStep: nil, recoveryCodeHashes: issued.hashes, at: now)
            return issued.codes
        }
        audit(.userAdded(user: name))
        if !groups.isEmpty { audit(.groupsChanged(user: name, groups: groups)) }
        if totpSecret != nil { audit(.enrolled(user: name)) }
        return codes
    }

    /// Deletes a user, their recovery codes, groups, devices and throttle rows, and so every session.
    public func deleteUser(named name: String) throws {
        let user = try existingUser(named: name)
        let subject = try subject(of: user.name)
        try store.inTransaction {
            guard try store.deleteUser(id: user.id) else { throw AccountError.userNotFound(name) }
            _ = try store.clearThrottleRows(subject: subject)
        }
        audit(.userDeleted(user: user.name))
    }

    /// Sets a new password and ends every session and remembered device of
    /// the user; returns the new session generation.
    @discardableResult
    public func changePassword(named name: String, to password: String) throws -> Int64 {
        try PasswordRules.validate(password)
        return try endingSessions(named: name, audit: AuditEvent.passwordChanged) { user in
            try store.setPasswordHash(userID: user.id, try hasher.hash(password), endingSessions: true)
        }
    }

    /// Removes the second factor (and any enrolment in progress and the
    /// recovery codes) and ends every session and remembered device; the user
    /// enrols again at the next login. Returns the new session generation.
    @discardableResult
    public func resetSecondFactor(named name: String) throws -> Int64 {
        try endingSessions(named: name, audit: AuditEvent.secondFactorReset) { try store.resetSecondFactor(userID: $0.id) }
    }

    /// Applies `change` (which moves the session generation on and returns it,
    /// nil when the user is gone) to the user named `name`, and audits it.
    func endingSessions(named name: String, audit event: (String) -> AuditEvent, _ change: (UserRecord) throws -> Int64?) throws
        -> Int64
    {
        let user = try existingUser(named: name)
        guard let generation = try change(user) else { throw AccountError.userNotFound(name) }
        audit(event(user.name))
        return generation
    }

    /// Lifts every lock on the user's name and clears its failure counts, from
    /// every address; returns how many throttle rows that cleared.
    @discardableResult
    public func unlock(named name: String) throws -> Int {
        let user = try existingUser(named: name)
        let cleared = try store.clearThrottleRows(subject: try subject(of: user.name))
        audit(.unlocked(user: user.name))
        return cleared
    }

    /// Adds the user to `adding` and takes them out of `removing` (validated,
    /// kept in lower case); returns their groups after, sorted.
    @discardableResult
    public func changeGroups(named name: String, adding: [String], removing: [String]) throws -> [String] {
        let adding = try adding.map(GroupName.canonical)
        let removing = try removing.map(GroupName.canonical)
        let user = try existingUser(named: name)
        guard let groups = try store.changeGroups(userID: user.id, adding: adding, removing: removing) else {
            throw AccountError.userNotFound(name)
        }
        if groups != user.groups { audit(.groupsChanged(user: user.name, groups: groups)) }
        return groups
    }

    /// The user named `name` (found regardless of case) as stored, with their groups, sorted.
    public func groups(named name: String) throws -> (name: String, groups: [String]) {
        let user = try existingUser(named: name)
        return (user.name, user.groups)
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
        let rules = configuration.throttleRules
        let secondFactor: UserSummary.SecondFactor =
            if let enrolledAt = user.enrolledAt, user.isEnrolled { .enrolled(since: enrolledAt) }
            else if user.sealedPendingSecret != nil { .pending }
            else { .none }
        let rows = try store.throttleRows(subject: try subject(of: user.name))
        let account = rows.first { $0.key.address == nil }?.state ?? .clear
        let lockedAddresses = rows.filter { row in
            guard row.key.address != nil, case .locked = rules.pair.admission(row.state, now: now) else { return false }
            return true
        }
        return UserSummary(
            name: user.name, secondFactor: secondFactor,
            admission: rules.account.admission(account, now: now), failures: account.failures,
            lockedAddresses: lockedAddresses.count,
            unusedRecoveryCodes: try store.unusedRecoveryCodeCount(userID: user.id),
            groups: user.groups, devices: try store.devices(userID: user.id).count, createdAt: user.createdAt)
    }
}
