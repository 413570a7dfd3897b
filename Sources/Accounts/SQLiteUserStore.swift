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

    private let connection: Connection

    /// Opens the store in `dataDirectory`, creating the file (mode 0600) if needed.
    public convenience init(dataDirectory: DataDirectory) throws {
        // SQLite would create the file with the umask's mode, and its -wal and -shm files copy that mode.
        try dataDirectory.createPrivateFileIfAbsent(named: Self.fileName)
        try self.init(path: dataDirectory.path(of: Self.fileName))
    }

    /// Opens (creating if needed) the store at `path`; a writer waits up to
    /// `busyTimeoutMilliseconds` for another before failing.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5000) throws {
        connection = try Connection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try migrate()
    }

    /// The schema version the file is at (`PRAGMA user_version`).
    var schemaVersion: Int64 {
        get throws { try connection.rows("PRAGMA user_version")[0].integer(0) }
    }

    private func migrate() throws {
        // BEGIN IMMEDIATE: of several workers opening a fresh file at once, one migrates, the others then see it done.
        try connection.transaction {
            let version = try schemaVersion
            guard version <= Schema.migrations.count else {
                throw AccountError.schemaTooNew(found: version, supported: Schema.migrations.count)
            }
            for script in Schema.migrations.dropFirst(Int(version)) {
                try connection.execute(script)
            }
            try connection.execute("PRAGMA user_version = \(Schema.migrations.count)")
        }
    }

    private static let userColumns = """
        id, name, password_hash, totp_secret, pending_totp_secret, enrolled_at, last_step, \
        failures, last_failure_at, locked_until, session_generation, created_at
        """

    private static func record(_ row: Row) throws -> UserRecord {
        UserRecord(
            id: try row.integer(0),
            name: try row.text(1),
            passwordHash: try row.text(2),
            sealedSecret: try row.optionalBlob(3),
            sealedPendingSecret: try row.optionalBlob(4),
            enrolledAt: try row.optionalInteger(5),
            lastStep: try row.optionalInteger(6),
            throttle: ThrottleState(
                failures: Int(try row.integer(7)),
                lastFailureAt: try row.optionalInteger(8),
                lockedUntil: try row.optionalInteger(9)),
            sessionGeneration: try row.integer(10),
            createdAt: try row.integer(11))
    }

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
        try connection.rows("SELECT \(Self.userColumns) FROM users WHERE name = ?", name).first.map(Self.record)
    }

    public func user(id: Int64) throws -> UserRecord? {
        try connection.rows("SELECT \(Self.userColumns) FROM users WHERE id = ?", id).first.map(Self.record)
    }

    public func allUsers() throws -> [UserRecord] {
        try connection.rows("SELECT \(Self.userColumns) FROM users ORDER BY name").map(Self.record)
    }

    public func deleteUser(id: Int64) throws -> Bool {
        try connection.run("DELETE FROM users WHERE id = ?", id) == 1
    }

    public func setPasswordHash(userID: Int64, _ hash: String, endingSessions: Bool) throws -> Bool {
        try connection.run("UPDATE users SET password_hash = ?, session_generation = session_generation + ? WHERE id = ?",
                           hash, endingSessions ? 1 : 0, userID) == 1
    }

    public func startEnrolment(userID: Int64, sealed: [UInt8]) throws -> Bool {
        try connection.run("UPDATE users SET pending_totp_secret = ? WHERE id = ? AND totp_secret IS NULL", sealed, userID) == 1
    }

    public func enrol(
        userID: Int64, sealedSecret: [UInt8], replacingPending pending: [UInt8]?, lastStep: Int64?,
        recoveryCodeHashes: [[UInt8]], at time: Int64
    ) throws -> Bool {
        try connection.transaction {
            let set = """
                UPDATE users SET totp_secret = ?, pending_totp_secret = NULL, enrolled_at = ?, last_step = ?,
                    session_generation = session_generation + ?
                WHERE id = ?
                """
            let changed = if let pending {
                try connection.run(set + " AND totp_secret IS NULL AND pending_totp_secret = ?",
                                   sealedSecret, time, lastStep, 1, userID, pending)
            } else {
                try connection.run(set, sealedSecret, time, lastStep, 0, userID)
            }
            guard changed == 1 else { return false }
            try replaceRecoveryCodes(userID: userID, hashes: recoveryCodeHashes)
            return true
        }
    }

    public func resetSecondFactor(userID: Int64) throws -> Bool {
        try connection.transaction {
            try connection.run("DELETE FROM recovery_codes WHERE user_id = ?", userID)
            return try connection.run("""
                UPDATE users SET totp_secret = NULL, pending_totp_secret = NULL, enrolled_at = NULL,
                    last_step = NULL, session_generation = session_generation + 1
                WHERE id = ?
                """, userID) == 1
        }
    }

    public func acceptStep(userID: Int64, step: Int64) throws -> Bool {
        try connection.run("UPDATE users SET last_step = ?2 WHERE id = ?1 AND (last_step IS NULL OR last_step < ?2)",
                           userID, step) == 1
    }

    public func replaceThrottleState(userID: Int64, expected: ThrottleState, with new: ThrottleState) throws -> Bool {
        try connection.run("""
            UPDATE users SET failures = ?, last_failure_at = ?, locked_until = ?
            WHERE id = ? AND failures = ? AND last_failure_at IS ? AND locked_until IS ?
            """,
            new.failures, new.lastFailureAt, new.lockedUntil,
            userID, expected.failures, expected.lastFailureAt, expected.lockedUntil) == 1
    }

    public func resetThrottleState(userID: Int64) throws -> Bool {
        try connection.run("UPDATE users SET failures = 0, last_failure_at = NULL, locked_until = NULL WHERE id = ?",
                           userID) == 1
    }

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

    public func bumpSessionGeneration(userID: Int64) throws -> Bool {
        try connection.run("UPDATE users SET session_generation = session_generation + 1 WHERE id = ?", userID) == 1
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
            SELECT session_generation, EXISTS (SELECT 1 FROM revoked_sessions WHERE session_id = ?2)
            FROM users WHERE id = ?1
            """, userID, sessionID)
        guard let row = rows.first else { return nil }
        return SessionStatus(generation: try row.integer(0), isRevoked: try row.integer(1) != 0)
    }

    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try connection.transaction(body)
    }
}
