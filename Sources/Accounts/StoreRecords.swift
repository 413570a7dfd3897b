/// One account as the store keeps it. Secrets stay sealed here; only
/// ``AccountService`` opens them.
public struct UserRecord: Sendable, Equatable {
    /// Never reused, even after a delete, so an old session cannot name a new user.
    public var id: Int64
    /// Unique regardless of ASCII case; see ``UserName``.
    public var name: String
    /// The self-describing scrypt string of ``PasswordHasher``.
    public var passwordHash: String
    /// The TOTP secret sealed by ``SecretCipher``; nil until enrolled.
    public var sealedSecret: [UInt8]?
    /// The secret shown during enrolment, sealed; it lives here, never in a cookie.
    public var sealedPendingSecret: [UInt8]?
    /// When enrolment completed (Unix seconds).
    public var enrolledAt: Int64?
    /// The time step of the last accepted TOTP code.
    public var lastStep: Int64?
    /// Bumped to end every session (and every remembered device) of the user at once.
    public var sessionGeneration: Int64
    /// When the user was added (Unix seconds).
    public var createdAt: Int64
    /// The user's groups, sorted; names follow ``GroupName``.
    public var groups: [String]

    /// A record; the initialiser exists so stores can rebuild one from their rows.
    public init(
        id: Int64, name: String, passwordHash: String, sealedSecret: [UInt8]? = nil, sealedPendingSecret: [UInt8]? = nil,
        enrolledAt: Int64? = nil, lastStep: Int64? = nil, sessionGeneration: Int64 = 0, createdAt: Int64, groups: [String] = []
    ) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.sealedSecret = sealedSecret
        self.sealedPendingSecret = sealedPendingSecret
        self.enrolledAt = enrolledAt
        self.lastStep = lastStep
        self.sessionGeneration = sessionGeneration
        self.createdAt = createdAt
        self.groups = groups
    }

    /// Whether a second factor is enrolled.
    public var isEnrolled: Bool { sealedSecret != nil }
}

/// What `/auth` needs to know about a session, in one cheap query.
public struct SessionStatus: Sendable, Equatable {
    /// The user's current session generation; a session minted under another one has ended.
    public var generation: Int64
    /// Whether this one session was ended by logout.
    public var isRevoked: Bool
    /// The user's groups, sorted, for `X-Auth-Groups` and access rules.
    public var groups: [String]

    /// A status as a store read it.
    public init(generation: Int64, isRevoked: Bool, groups: [String]) {
        self.generation = generation
        self.isRevoked = isRevoked
        self.groups = groups
    }
}

/// A browser whose user asked it to be remembered: later logins from it need
/// the password only. The browser holds a random device id; the store keeps
/// only its keyed hash, so a copy of the database logs no browser in.
public struct DeviceRecord: Sendable, Equatable {
    /// The keyed hash of the device id (32 bytes); unique.
    public var idHash: [UInt8]
    /// The user the device belongs to.
    public var userID: Int64
    /// What the browser called itself, for the user's list of devices.
    public var label: String
    /// When it was remembered (Unix seconds); its lifetime counts from here.
    public var createdAt: Int64
    /// When it last stood in for a code (Unix seconds).
    public var lastUsedAt: Int64

    /// A record; the initialiser exists so stores can rebuild one from their rows.
    public init(idHash: [UInt8], userID: Int64, label: String, createdAt: Int64, lastUsedAt: Int64) {
        self.idHash = idHash
        self.userID = userID
        self.label = label
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// One recovery code as stored: only its keyed hash, and when it was used.
public struct RecoveryCodeRecord: Sendable, Equatable {
    /// The user the code belongs to.
    public var userID: Int64
    /// HMAC-SHA256 of the normalised code (see ``RecoveryCodes``).
    public var hash: [UInt8]
    /// When it was used (Unix seconds); nil while unused.
    public var usedAt: Int64?

    /// A record; the initialiser exists so stores can rebuild one from their rows.
    public init(userID: Int64, hash: [UInt8], usedAt: Int64?) {
        self.userID = userID
        self.hash = hash
        self.usedAt = usedAt
    }
}

/// A logged-out session, refused until its cookie would have expired anyway.
public struct RevokedSession: Sendable, Equatable {
    /// The session's id, as in its cookie.
    public var sessionID: String
    /// After this (Unix seconds) the cookie is dead anyway and the row may go.
    public var expiresAt: Int64

    /// A record; the initialiser exists so stores can rebuild one from their rows.
    public init(sessionID: String, expiresAt: Int64) {
        self.sessionID = sessionID
        self.expiresAt = expiresAt
    }
}
