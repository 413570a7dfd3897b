/// Sessions: what `/auth` asks, logging out, and purging what has expired.
extension AccountService {
    /// The user's session generation, whether `sessionID` was logged out and
    /// the user's groups; nil when the user no longer exists. One cheap query, for `/auth`.
    public func sessionStatus(userID: Int64, sessionID: String) throws -> SessionStatus? {
        try store.sessionStatus(userID: userID, sessionID: sessionID)
    }

    /// Ends one session: its id is refused until `expiresAt`, when its cookie
    /// dies anyway. The user's remembered devices stay.
    public func logout(_ user: AuthenticatedUser, sessionID: String, expiresAt: Int64, now: Int64) throws {
        try store.revokeSession(id: sessionID, expiresAt: expiresAt)
        try purgeExpired(now: now)
        audit(.loggedOut(user: user.name))
    }

    /// Ends every session and remembered device of the user; returns the new session generation.
    @discardableResult
    public func logoutEverywhere(named name: String) throws -> Int64 {
        try endingSessions(named: name, audit: AuditEvent.loggedOutEverywhere) { try store.bumpSessionGeneration(userID: $0.id) }
    }

    /// Whether the store answers within about `limit`, for `/healthz`; throws when it does not.
    public func ping(within limit: Duration) throws {
        try store.ping(within: limit)
    }

    /// Forgets what can no longer matter at `now`: revocations of sessions
    /// whose cookies have expired, throttle rows idle for
    /// ``AccountConfiguration/throttleIdleLifetime`` (of known and unknown
    /// names alike) and devices past ``AccountConfiguration/rememberDevice``.
    /// Runs at every logout and every full success; each is one indexed delete.
    func purgeExpired(now: Int64) throws {
        _ = try store.purgeRevokedSessions(expiredBy: now)
        _ = try store.purgeThrottleRows(idleSince: now.saturatingAdding(-AccountConfiguration.throttleIdleLifetime), now: now)
        _ = try store.purgeDevices(createdBefore: now.saturatingAdding(-configuration.rememberDevice))
    }
}
