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
    /// Consecutive failures and the lock they led to.
    public var throttle: ThrottleState
    /// Bumped to end every session of the user at once.
    public var sessionGeneration: Int64
    /// When the user was added (Unix seconds).
    public var createdAt: Int64

    /// A record; the initialiser exists so stores can rebuild one from their rows.
    public init(
        id: Int64, name: String, passwordHash: String, sealedSecret: [UInt8]?, sealedPendingSecret: [UInt8]?,
        enrolledAt: Int64?, lastStep: Int64?, throttle: ThrottleState, sessionGeneration: Int64, createdAt: Int64
    ) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.sealedSecret = sealedSecret
        self.sealedPendingSecret = sealedPendingSecret
        self.enrolledAt = enrolledAt
        self.lastStep = lastStep
        self.throttle = throttle
        self.sessionGeneration = sessionGeneration
        self.createdAt = createdAt
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

    /// A status as a store read it.
    public init(generation: Int64, isRevoked: Bool) {
        self.generation = generation
        self.isRevoked = isRevoked
    }
}

/// Durable, shared account state: users, replay markers, throttle counters,
/// recovery codes and session revocations.
///
/// Every method that decides something between concurrent workers (accepting
/// a time step, consuming a recovery code, changing throttle state, completing
/// an enrolment) is a single atomic operation, so a store shared by many
/// threads, processes or hosts can never let two of them both win.
///
/// An instance is one connection: it is not safe to share between threads.
/// Open one per worker thread.
public protocol UserStore: AnyObject {
    /// Adds a user without a second factor; returns the new id. Throws
    /// ``AccountError/duplicateName(_:)`` when the name is taken in any case.
    func insertUser(name: String, passwordHash: String, createdAt: Int64) throws -> Int64

    /// The user with this name (ASCII case ignored), or nil.
    func user(named name: String) throws -> UserRecord?

    /// The user with this id, or nil.
    func user(id: Int64) throws -> UserRecord?

    /// Every user, by name.
    func allUsers() throws -> [UserRecord]

    /// Deletes a user with its recovery codes; false when there was none.
    func deleteUser(id: Int64) throws -> Bool

    /// Replaces the password hash; with `endingSessions`, also bumps the session generation.
    func setPasswordHash(userID: Int64, _ hash: String, endingSessions: Bool) throws -> Bool

    /// Makes `sealed` the user's pending enrolment secret, replacing any earlier
    /// one, unless the user is enrolled; false when nothing was stored.
    func startEnrolment(userID: Int64, sealed: [UInt8]) throws -> Bool

    /// Makes `sealedSecret` the user's second factor with fresh recovery codes,
    /// clears any pending secret and sets the last accepted step; atomically.
    /// Completing a pending enrolment also bumps the session generation,
    /// ending every other session of the user.
    ///
    /// With `replacingPending`, only if that is still the user's pending secret
    /// and no secret is enrolled (false otherwise, changing nothing).
    func enrol(
        userID: Int64, sealedSecret: [UInt8], replacingPending: [UInt8]?, lastStep: Int64?,
        recoveryCodeHashes: [[UInt8]], at time: Int64
    ) throws -> Bool

    /// Removes the second factor, any pending one, the last step and the
    /// recovery codes, and bumps the session generation; atomically.
    func resetSecondFactor(userID: Int64) throws -> Bool

    /// Records `step` as the last accepted one if it is newer than the stored
    /// one: one conditional update, so of concurrent callers with one step
    /// exactly one gets true.
    func acceptStep(userID: Int64, step: Int64) throws -> Bool

    /// Replaces the throttle state only if it is still `expected` (compare-and-set).
    func replaceThrottleState(userID: Int64, expected: ThrottleState, with new: ThrottleState) throws -> Bool

    /// Clears failures and any lock, whatever they are.
    func resetThrottleState(userID: Int64) throws -> Bool

    /// Replaces all of the user's recovery codes.
    func replaceRecoveryCodes(userID: Int64, hashes: [[UInt8]]) throws

    /// Marks an unused code with this hash as used at `time`: one conditional
    /// update, so a code works once however many workers try it.
    func consumeRecoveryCode(userID: Int64, hash: [UInt8], at time: Int64) throws -> Bool

    /// How many recovery codes the user has left.
    func unusedRecoveryCodeCount(userID: Int64) throws -> Int

    /// Bumps the session generation, ending every session of the user.
    func bumpSessionGeneration(userID: Int64) throws -> Bool

    /// Marks one session as ended until `expiresAt`, after which its cookie is dead anyway.
    func revokeSession(id sessionID: String, expiresAt: Int64) throws

    /// Forgets revocations whose sessions have expired by `time`; returns how many.
    func purgeRevokedSessions(expiredBy time: Int64) throws -> Int

    /// The user's session generation and whether `sessionID` is revoked, in one
    /// query; nil when the user no longer exists.
    func sessionStatus(userID: Int64, sessionID: String) throws -> SessionStatus?

    /// Runs `body` atomically: all of its changes, or none.
    func inTransaction<T>(_ body: () throws -> T) throws -> T
}
