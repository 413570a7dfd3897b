/// Self-service password change (`/password`): the current password proves
/// it is the user, and it counts like a login's.
extension AccountService {
    /// Sets `new` as the password of `user` when `current` is theirs; a wrong
    /// `current` is a failure counted and throttled like a failed login from
    /// `client`. Success ends every other session and remembered device of the
    /// user (the generation moves on) and returns the user under the new generation.
    /// Throws ``AccountError`` for a `new` password the rules refuse (``PasswordRules/validateNew(_:userName:)``),
    /// before anything is checked or counted.
    public func changeOwnPassword(
        _ user: AuthenticatedUser, current: String, new: String, client: ClientAddress, now: Int64
    ) throws -> PasswordChangeOutcome {
        try PasswordRules.validateNew(new, userName: user.name)
        guard let record = try store.user(id: user.id), record.sessionGeneration == user.sessionGeneration else {
            return .refused(.failed)
        }
        let keys = try attemptKeys(name: record.name, client: client)
        return try attempt(keys, user: record.name, now: now, refused: PasswordChangeOutcome.refused) { claim in
            guard try hasher.verify(current, against: record.passwordHash) else {
                return .refused(failed(claim, user: record.name, .passwordChangeFailed(user: record.name)))
            }
            try store.refund(claim)  // a right password, as at login, neither fails nor resets the count
            let hash = try hasher.hash(new)
            guard let generation = try store.setPasswordHash(userID: record.id, hash, endingSessions: true) else {
                return .refused(.failed)
            }
            audit(.passwordChanged(user: record.name))
            return .changed(AuthenticatedUser(id: record.id, name: record.name, sessionGeneration: generation))
        }
    }
}

/// What a self-service password change came to.
public enum PasswordChangeOutcome: Sendable, Equatable {
    /// Changed; every other session has ended, and `user` carries the new generation.
    case changed(AuthenticatedUser)
    /// Refused: a wrong current password, or too many failures.
    case refused(Refusal)
}
