import Accounts
import SQLRecords

/// The ``UserStore`` in one SQLite file: the default for a single host.
///
/// The file is opened in WAL mode (readers never wait for the writer), with a
/// busy timeout (writers queue instead of failing) and foreign keys on; the
/// schema is migrated to the current version on open.
///
/// An instance owns one connection and caches its prepared statements; it is
/// not safe to share between threads. Open one instance per worker thread —
/// any number of them, in any number of processes, may use the same file.
public final class SQLiteUserStore: UserStore {
    /// The database file's name inside the data directory.
    public static let fileName = "totpgate.db"

    let connection: Connection

    /// Opens (creating if needed, mode 0600, unless `creating` is false) the
    /// store at `path`, migrating its schema (`keys` re-key wave-1 throttle
    /// state); a writer waits up to `busyTimeoutMilliseconds` for another before failing.
    public init(path: String, keys: AccountKeys, creating: Bool = true, busyTimeoutMilliseconds: Int32 = 5000) throws {
        let (directory, name) = Self.split(path)
        let parent = try DataDirectory(path: directory, creating: creating)
        if creating {
            // SQLite would create the file with the umask's mode, and its -wal and -shm files copy that mode.
            try parent.createPrivateFileIfAbsent(named: name)
        } else if try !parent.contains(name) {
            throw StoreError.missing("SQLite \(path)")
        }
        connection = try Connection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try migrate(keys: keys)
    }

    /// The directory and file name of `path`.
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        return (slash == path.startIndex ? "/" : String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    /// The schema version the file is at (`PRAGMA user_version`).
    var schemaVersion: Int64 {
        get throws { try connection.rows("PRAGMA user_version")[0].integer(0) }
    }

    private func migrate(keys: AccountKeys) throws {
        let current = SQLiteSchema.migrations.count
        // Most opens find the schema current: one read, no write lock, so many workers open at once without queueing.
        if try schemaVersion == current { return }
        // BEGIN IMMEDIATE: of several workers opening a fresh file at once, one migrates, the others then see it done.
        try connection.transaction {
            let version = try schemaVersion
            guard version <= current else { throw StoreError.schemaTooNew(found: version, supported: current) }
            guard version < current else { return }
            for migration in SQLiteSchema.migrations.dropFirst(Int(version)) {
                try migration(connection, keys)
            }
            try connection.execute("PRAGMA user_version = \(current)")
        }
    }

    // MARK: Users

    static let userColumns = UserRecord.columns(groupList: "group_concat(g.name, ',')")

    public func insertUser(name: String, passwordHash: String, createdAt: Int64) throws -> Int64 {
        do {
            try connection.run("INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)",
                               name, passwordHash, createdAt)
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw AccountError.duplicateName(name)
        }
        return connection.lastInsertedRowID
    }

    public func user(named name: String) throws -> UserRecord? {
        try connection.rows("SELECT \(Self.userColumns) FROM users WHERE name = ?", name).first.map(UserRecord.init)
    }

    public func user(id: Int64) throws -> UserRecord? {
        try connection.rows("SELECT \(Self.userColumns) FROM users WHERE id = ?", id).first.map(UserRecord.init)
    }

    public func allUsers() throws -> [UserRecord] {
        try connection.rows("SELECT \(Self.userColumns) FROM users ORDER BY name").map(UserRecord.init)
    }

    public func deleteUser(id: Int64) throws -> Bool {
        try connection.run("DELETE FROM users WHERE id = ?", id) == 1
    }

    public func setPasswordHash(userID: Int64, _ hash: String, endingSessions: Bool) throws -> Int64? {
        try changingGeneration(userID: userID, by: endingSessions ? 1 : 0) {
            try connection.rows("""
                UPDATE users SET password_hash = ?, session_generation = session_generation + ? WHERE id = ?
                RETURNING session_generation
                """, hash, endingSessions ? 1 : 0, userID)
        }
    }

    /// Runs `update` (returning the generation after) and, when it moved the
    /// generation on by `bump`, deletes the user's devices; one transaction.
    func changingGeneration(userID: Int64, by bump: Int, _ update: () throws -> [Row]) throws -> Int64? {
        try connection.transaction {
            guard let generation = try update().first?.integer(0) else { return nil }
            if bump > 0 { try connection.run("DELETE FROM devices WHERE user_id = ?", userID) }
            return generation
        }
    }

    // MARK: Second factor

    public func startEnrolment(userID: Int64, sealed: [UInt8]) throws -> Bool {
        try connection.run("UPDATE users SET pending_totp_secret = ? WHERE id = ? AND totp_secret IS NULL", sealed, userID) == 1
    }

    public func enrol(
        userID: Int64, sealedSecret: [UInt8], replacingPending pending: [UInt8]?, lastStep: Int64?,
        recoveryCodeHashes: [[UInt8]], at time: Int64
    ) throws -> Int64? {
        let bump = pending == nil ? 0 : 1
        return try changingGeneration(userID: userID, by: bump) {
            let rows = try connection.rows("""
                UPDATE users SET totp_secret = ?1, pending_totp_secret = NULL, enrolled_at = ?2, last_step = ?3,
                    session_generation = session_generation + ?4
                WHERE id = ?5 AND (?6 IS NULL OR (totp_secret IS NULL AND pending_totp_secret = ?6))
                RETURNING session_generation
                """, sealedSecret, time, lastStep, bump, userID, pending)
            if !rows.isEmpty { try replaceRecoveryCodes(userID: userID, hashes: recoveryCodeHashes) }
            return rows
        }
    }

    public func resetSecondFactor(userID: Int64) throws -> Int64? {
        try changingGeneration(userID: userID, by: 1) {
            try connection.run("DELETE FROM recovery_codes WHERE user_id = ?", userID)
            return try connection.rows("""
                UPDATE users SET totp_secret = NULL, pending_totp_secret = NULL, enrolled_at = NULL,
                    last_step = NULL, session_generation = session_generation + 1
                WHERE id = ?
                RETURNING session_generation
                """, userID)
        }
    }

    public func acceptStep(userID: Int64, step: Int64) throws -> Bool {
        try connection.run("UPDATE users SET last_step = ?2 WHERE id = ?1 AND (last_step IS NULL OR last_step < ?2)",
                           userID, step) == 1
    }

    // MARK: Recovery codes

    public func replaceRecoveryCodes(userID: Int64, hashes: [[UInt8]]) throws {
        try connection.transaction {
            try connection.run("DELETE FROM recovery_codes WHERE user_id = ?", userID)
            for hash in hashes {
                try connection.run("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", userID, hash)
            }
        }
    }

    public func consumeRecoveryCode(userID: Int64, hash: [UInt8], at time: Int64) throws -> Bool {
        try connection.run("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                           time, userID, hash) == 1
    }

    public func unusedRecoveryCodeCount(userID: Int64) throws -> Int {
        Int(try connection.rows("SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL",
                                userID)[0].integer(0))
    }

    // MARK: Sessions

    public func bumpSessionGeneration(userID: Int64) throws -> Int64? {
        try changingGeneration(userID: userID, by: 1) {
            try connection.rows("UPDATE users SET session_generation = session_generation + 1 WHERE id = ? RETURNING session_generation",
                                userID)
        }
    }

    public func revokeSession(id sessionID: String, expiresAt: Int64) throws {
        try connection.run("""
            INSERT INTO revoked_sessions (session_id, expires_at) VALUES (?1, ?2)
            ON CONFLICT (session_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)
            """, sessionID, expiresAt)
    }

    public func purgeRevokedSessions(expiredBy time: Int64) throws -> Int {
        try connection.run("DELETE FROM revoked_sessions WHERE expires_at <= ?", time)
    }

    public func sessionStatus(userID: Int64, sessionID: String) throws -> SessionStatus? {
        let rows = try connection.rows("""
            SELECT session_generation, EXISTS (SELECT 1 FROM revoked_sessions WHERE session_id = ?2),
                (SELECT group_concat(name, ',') FROM user_groups WHERE user_id = ?1)
            FROM users WHERE id = ?1
            """, userID, sessionID)
        guard let row = rows.first else { return nil }
        return SessionStatus(generation: try row.integer(0), isRevoked: try row.integer(1) != 0, groups: try UserRecord.groups(row, 2))
    }

    // MARK: Maintenance

    /// The store answers when its path still names the file this connection
    /// has open (a database moved or deleted under a running gate would part
    /// it from every process started later: the CLI, a new worker) and a read
    /// of the file itself (its schema, not a bare `SELECT 1`) succeeds,
    /// waiting at most `limit` for a lock.
    public func ping(within limit: Duration) throws {
        guard connection.isStillAtItsPath else {
            throw StoreError.unavailable("\(connection.path) is no longer the database this process opened")
        }
        let milliseconds = Int32(clamping: limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000)
        _ = try connection.waitingAtMost(milliseconds: milliseconds) {
            try connection.rows("SELECT count(*) FROM sqlite_schema")
        }
    }

    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try connection.transaction(body)
    }
}
