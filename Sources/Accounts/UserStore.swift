/// Durable, shared account state: users and their groups, replay markers,
/// throttle rows, recovery codes, session revocations and remembered devices.
///
/// A store is dumb on purpose: it offers atomic primitives (compare-and-set,
/// single conditional statements) and decides nothing; the rules live in
/// ``AccountService`` and ``ThrottleRules`` as pure functions over what the
/// store returns. Every method that decides something between concurrent
/// workers (accepting a time step, consuming a recovery code, a throttle
/// compare-and-set, completing an enrolment, bumping a session generation)
/// is one atomic operation — one conditional statement (`UPDATE … WHERE …
/// RETURNING`) or one short transaction — so a store shared by many threads,
/// processes or hosts can never let two of them both win.
///
/// Bumping a session generation, whichever method does it, deletes every
/// remembered device of the user in the same transaction: a device is bound
/// to a generation and ends with it.
///
/// An instance is one connection: it is not safe to share between threads.
/// Open one per worker thread. A store that loses its server throws
/// ``StoreError/unavailable(_:)`` and changes nothing.
public protocol UserStore: AnyObject {
    // MARK: Users

    /// Adds a user without a second factor or groups; returns the new id, higher
    /// than any id handed out before. Throws ``AccountError/duplicateName(_:)``
    /// when the name is taken in any ASCII case.
    func insertUser(name: String, passwordHash: String, createdAt: Int64) throws -> Int64

    /// The user with this name (ASCII case ignored), or nil.
    func user(named name: String) throws -> UserRecord?

    /// The user with this id, or nil.
    func user(id: Int64) throws -> UserRecord?

    /// Every user, by name.
    func allUsers() throws -> [UserRecord]

    /// Deletes a user with their recovery codes, groups and devices; false
    /// when there was none. Throttle rows are keyed by subject, not user, and stay.
    func deleteUser(id: Int64) throws -> Bool

    /// Replaces the password hash; with `endingSessions` also bumps the session
    /// generation (ending the devices). Returns the generation after, or nil
    /// when there is no such user.
    func setPasswordHash(userID: Int64, _ hash: String, endingSessions: Bool) throws -> Int64?

    // MARK: Second factor

    /// Makes `sealed` the user's pending enrolment secret, replacing any earlier
    /// one, unless the user is enrolled; false when nothing was stored.
    func startEnrolment(userID: Int64, sealed: [UInt8]) throws -> Bool

    /// Makes `sealedSecret` the user's second factor with fresh recovery codes
    /// (replacing any), clears any pending secret, sets `enrolledAt` to `time`
    /// and the last accepted step to `lastStep`; atomically.
    ///
    /// With `replacingPending`, only if that is still the user's pending secret
    /// and no secret is enrolled, and the session generation is bumped (ending
    /// every other session of the user, and the devices). Without it, the
    /// generation stays. Returns the generation after, or nil when nothing changed.
    func enrol(
        userID: Int64, sealedSecret: [UInt8], replacingPending: [UInt8]?, lastStep: Int64?,
        recoveryCodeHashes: [[UInt8]], at time: Int64
    ) throws -> Int64?

    /// Removes the second factor, any pending one, `enrolledAt`, the last step
    /// and the recovery codes, and bumps the session generation (ending the
    /// devices); atomically. Returns the generation after, or nil when there is no such user.
    func resetSecondFactor(userID: Int64) throws -> Int64?

    /// Records `step` as the last accepted one if it is newer than the stored
    /// one (or none is stored): one conditional update, so of concurrent callers
    /// with one step exactly one gets true.
    func acceptStep(userID: Int64, step: Int64) throws -> Bool

    // MARK: Recovery codes

    /// Replaces all of the user's recovery codes, used or not, with these unused ones; atomically.
    func replaceRecoveryCodes(userID: Int64, hashes: [[UInt8]]) throws

    /// Marks an unused code with this hash as used at `time`: one conditional
    /// update, so a code works once however many workers try it.
    func consumeRecoveryCode(userID: Int64, hash: [UInt8], at time: Int64) throws -> Bool

    /// How many recovery codes the user has left.
    func unusedRecoveryCodeCount(userID: Int64) throws -> Int

    // MARK: Sessions

    /// Bumps the session generation, ending every session and device of the
    /// user; returns the generation after, or nil when there is no such user.
    func bumpSessionGeneration(userID: Int64) throws -> Int64?

    /// Marks one session as ended until `expiresAt`, after which its cookie is
    /// dead anyway; revoking it again keeps the later expiry.
    func revokeSession(id sessionID: String, expiresAt: Int64) throws

    /// Forgets revocations whose sessions have expired by `time` (`expiresAt <= time`); returns how many.
    func purgeRevokedSessions(expiredBy time: Int64) throws -> Int

    /// The user's session generation, whether `sessionID` is revoked and the
    /// user's groups (sorted), in one query; nil when the user no longer exists.
    func sessionStatus(userID: Int64, sessionID: String) throws -> SessionStatus?

    // MARK: Groups

    /// Makes `groups` the user's groups, whatever they were; false when there is no such user.
    func replaceGroups(userID: Int64, with groups: [String]) throws -> Bool

    /// Adds `adding` and removes `removing` (a group in both ends up removed)
    /// in one transaction; returns the groups after, sorted, or nil when there
    /// is no such user. Adding a group the user has, or removing one they lack, is no error.
    func changeGroups(userID: Int64, adding: [String], removing: [String]) throws -> [String]?

    // MARK: Throttling

    /// The states of `keys`, in their order; ``ThrottleState/clear`` for a key without a row.
    func throttleStates(_ keys: [ThrottleKey]) throws -> [ThrottleState]

    /// Compare-and-set over several rows at once: if every row still holds its
    /// change's `expected` state (``ThrottleState/clear`` is no row), writes
    /// every `new` state (removing the row for ``ThrottleState/clear``) and
    /// returns true; otherwise changes nothing and returns false. One transaction.
    ///
    /// The changes come in a fixed order (pair, account, address rows); a store
    /// that locks rows locks them in the order given, so concurrent claims never deadlock.
    func replaceThrottleStates(_ changes: [ThrottleChange]) throws -> Bool

    /// Removes the rows of `keys` (making them ``ThrottleState/clear``), whatever they hold.
    func clearThrottleStates(_ keys: [ThrottleKey]) throws

    /// Every row of `subject`: its account row and its pair rows, any order.
    func throttleRows(subject: ThrottleSubject) throws -> [ThrottleRow]

    /// Removes every row of `subject` (account and pairs, not address rows); returns how many.
    func clearThrottleRows(subject: ThrottleSubject) throws -> Int

    /// Removes the rows idle since `idleSince` — no failure at or after it
    /// (`lastFailureAt` nil or earlier) and no lock in force at `now`
    /// (`lockedUntil` nil or `<= now`) — of known and unknown names and of
    /// addresses alike; returns how many.
    func purgeThrottleRows(idleSince: Int64, now: Int64) throws -> Int

    // MARK: Remembered devices

    /// Adds `device` only if its user still has session generation
    /// `sessionGeneration`, in one statement (a device minted under a bumped
    /// generation must not outlive it); false when nothing was added.
    func addDevice(_ device: DeviceRecord, sessionGeneration: Int64) throws -> Bool

    /// The device with this id hash, or nil.
    func device(idHash: [UInt8]) throws -> DeviceRecord?

    /// Sets the device's `lastUsedAt` to `time`; false when there is no such device.
    func touchDevice(idHash: [UInt8], at time: Int64) throws -> Bool

    /// The user's devices, most recently used first.
    func devices(userID: Int64) throws -> [DeviceRecord]

    /// Deletes the user's device with this id hash; false when the user has none such.
    func deleteDevice(userID: Int64, idHash: [UInt8]) throws -> Bool

    /// Deletes the devices remembered before `time` (`createdAt < time`), whose
    /// lifetime is over; returns how many.
    func purgeDevices(createdBefore time: Int64) throws -> Int

    // MARK: Maintenance

    /// Runs a trivial query that reads the store, throwing when it does not
    /// answer, waiting for a lock at most about `limit` (`/healthz`).
    func ping(within limit: Duration) throws

    /// Every row of the store, read in one consistent transaction.
    func exportSnapshot() throws -> StoreSnapshot

    /// Writes every row of `snapshot`, keeping ids, and makes the next user id
    /// higher than `snapshot.lastUserID`; in one transaction. Throws
    /// ``StoreError/notEmpty(_:)`` and writes nothing when the store holds any row.
    func importSnapshot(_ snapshot: StoreSnapshot) throws

    /// Runs `body` atomically: all of its changes, or none. Inside a
    /// transaction already, `body` joins it.
    func inTransaction<T>(_ body: () throws -> T) throws -> T
}
