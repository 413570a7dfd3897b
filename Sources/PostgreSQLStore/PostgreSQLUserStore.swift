import Accounts

/// The ``UserStore`` in a PostgreSQL database, shared by every host of a
/// deployment that outgrows one machine.
///
/// Each rule that decides between concurrent workers is one statement
/// (a conditional `UPDATE … WHERE`, which PostgreSQL re-checks on the row a
/// concurrent writer left) or one short read-committed transaction that
/// first locks the user's row, so that two workers or hosts can never both
/// win. The schema is migrated under an advisory lock when a connection
/// opens.
///
/// An instance owns one connection (reopened by itself after the server was
/// away: see ``ReconnectingConnection``) and its prepared statements; it is
/// not safe to share between threads. Open one per worker thread.
public final class PostgreSQLUserStore: UserStore, CustomStringConvertible {
    /// libpq settings applied unless the URI sets them: give up connecting
    /// after 5 s, and notice a dead peer on TCP within about a minute.
    static let connectionDefaults = [
        ("connect_timeout", "5"), ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
        ("application_name", "totpgate"), ("client_encoding", "UTF8"),
    ]

    private let link: ReconnectingConnection
    /// Where the store is, without the password: for logs and errors.
    public let description: String

    /// Opens the store `target` names, creating or migrating its schema.
    /// When the server does not answer yet, the store connects at its first use.
    public init(_ target: ConnectionString) throws {
        description = "PostgreSQL \(target)"
        link = try ReconnectingConnection(target, defaults: Self.connectionDefaults, prepare: PostgreSQLSchema.migrate)
    }

    /// The server process of the store's connection, if it has one now.
    var serverProcessID: Int32? { link.serverProcessID }

    private static let userColumns = """
        id, name, password_hash, totp_secret, pending_totp_secret, enrolled_at, last_step, \
        failures, last_failure_at, locked_until, session_generation, created_at
        """

    private static func record(_ row: Row) throws -> UserRecord {
        UserRecord(
            id: try row.integer(0),
            name: try row.text(1),
            passwordHash: try row.text(2),
            sealedSecret: row.optionalBytes(3),
            sealedPendingSecret: row.optionalBytes(4),
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
            return try link.write { connection in
                try connection.rows("INSERT INTO users (name, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
                                    name, passwordHash, createdAt)[0].integer(0)
            }
        } catch let error as PostgreSQLError where error.isUniqueViolation {
            throw AccountError.duplicateName(name)
        }
    }

    public func user(named name: String) throws -> UserRecord? {
        try link.read { connection in
            try connection.rows("SELECT \(Self.userColumns) FROM users WHERE lower(name COLLATE \"C\") = lower($1 COLLATE \"C\")",
                                name).first.map(Self.record)
        }
    }

    public func user(id: Int64) throws -> UserRecord? {
        try link.read { connection in
            try connection.rows("SELECT \(Self.userColumns) FROM users WHERE id = $1", id).first.map(Self.record)
        }
    }

    public func allUsers() throws -> [UserRecord] {
        try link.read { connection in
            try connection.rows("SELECT \(Self.userColumns) FROM users ORDER BY lower(name COLLATE \"C\")").map(Self.record)
        }
    }

    public func deleteUser(id: Int64) throws -> Bool {
        try link.write { try $0.changes("DELETE FROM users WHERE id = $1", id) == 1 }
    }

    public func setPasswordHash(userID: Int64, _ hash: String, endingSessions: Bool) throws -> Bool {
        try link.write { connection in
            try connection.changes("UPDATE users SET password_hash = $1, session_generation = session_generation + $2 WHERE id = $3",
                                   hash, endingSessions ? 1 : 0, userID) == 1
        }
    }

    public func startEnrolment(userID: Int64, sealed: [UInt8]) throws -> Bool {
        try link.write { connection in
            try connection.changes("UPDATE users SET pending_totp_secret = $1 WHERE id = $2 AND totp_secret IS NULL",
                                   sealed, userID) == 1
        }
    }

    public func enrol(
        userID: Int64, sealedSecret: [UInt8], replacingPending pending: [UInt8]?, lastStep: Int64?,
        recoveryCodeHashes: [[UInt8]], at time: Int64
    ) throws -> Bool {
        try link.transaction {
            // The conditional update locks the user's row: a concurrent enrolment waits, then finds the pending secret gone.
            let changed = try link.write { connection in
                let set = """
                    UPDATE users SET totp_secret = $1, pending_totp_secret = NULL, enrolled_at = $2, last_step = $3,
                        session_generation = session_generation + $4
                    WHERE id = $5
                    """
                return if let pending {
                    try connection.changes(set + " AND totp_secret IS NULL AND pending_totp_secret = $6",
                                           sealedSecret, time, lastStep, 1, userID, pending)
                } else {
                    try connection.changes(set, sealedSecret, time, lastStep, 0, userID)
                }
            }
            guard changed == 1 else { return false }
            try replaceRecoveryCodes(userID: userID, hashes: recoveryCodeHashes)
            return true
        }
    }

    public func resetSecondFactor(userID: Int64) throws -> Bool {
        try link.transaction {
            // The user's row first: a concurrent code replacement finishes before, and its codes are deleted here.
            let changed = try link.write { connection in
                try connection.changes("""
                    UPDATE users SET totp_secret = NULL, pending_totp_secret = NULL, enrolled_at = NULL,
                        last_step = NULL, session_generation = session_generation + 1
                    WHERE id = $1
                    """, userID)
            }
            _ = try link.write { try $0.changes("DELETE FROM recovery_codes WHERE user_id = $1", userID) }
            return changed == 1
        }
    }

    public func acceptStep(userID: Int64, step: Int64) throws -> Bool {
        try link.write { connection in
            try connection.changes("UPDATE users SET last_step = $2 WHERE id = $1 AND (last_step IS NULL OR last_step < $2)",
                                   userID, step) == 1
        }
    }

    public func replaceThrottleState(userID: Int64, expected: ThrottleState, with new: ThrottleState) throws -> Bool {
        try link.write { connection in
            try connection.changes("""
                UPDATE users SET failures = $1, last_failure_at = $2, locked_until = $3
                WHERE id = $4 AND failures = $5 AND last_failure_at IS NOT DISTINCT FROM $6 AND locked_until IS NOT DISTINCT FROM $7
                """,
                new.failures, new.lastFailureAt, new.lockedUntil,
                userID, expected.failures, expected.lastFailureAt, expected.lockedUntil) == 1
        }
    }

    public func resetThrottleState(userID: Int64) throws -> Bool {
        try link.write { connection in
            try connection.changes("UPDATE users SET failures = 0, last_failure_at = NULL, locked_until = NULL WHERE id = $1",
                                   userID) == 1
        }
    }

    public func replaceRecoveryCodes(userID: Int64, hashes: [[UInt8]]) throws {
        try link.transaction {
            // Locking the user's row serialises replacements: each DELETE then sees the codes the one before inserted.
            try link.write { connection in
                try connection.rows("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", userID)
                try connection.changes("DELETE FROM recovery_codes WHERE user_id = $1", userID)
                for hash in hashes {
                    try connection.changes("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)", userID, hash)
                }
            }
        }
    }

    public func consumeRecoveryCode(userID: Int64, hash: [UInt8], at time: Int64) throws -> Bool {
        try link.write { connection in
            try connection.changes("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                                   time, userID, hash) == 1
        }
    }

    public func unusedRecoveryCodeCount(userID: Int64) throws -> Int {
        try link.read { connection in
            Int(try connection.rows("SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                                    userID)[0].integer(0))
        }
    }

    public func bumpSessionGeneration(userID: Int64) throws -> Bool {
        try link.write { try $0.changes("UPDATE users SET session_generation = session_generation + 1 WHERE id = $1", userID) == 1 }
    }

    public func revokeSession(id sessionID: String, expiresAt: Int64) throws {
        _ = try link.write { connection in
            try connection.changes("""
                INSERT INTO revoked_sessions (session_id, expires_at) VALUES ($1, $2)
                ON CONFLICT (session_id) DO UPDATE SET expires_at = greatest(revoked_sessions.expires_at, excluded.expires_at)
                """, sessionID, expiresAt)
        }
    }

    public func purgeRevokedSessions(expiredBy time: Int64) throws -> Int {
        try link.write { try $0.changes("DELETE FROM revoked_sessions WHERE expires_at <= $1", time) }
    }

    public func sessionStatus(userID: Int64, sessionID: String) throws -> SessionStatus? {
        try link.read { connection in
            let rows = try connection.rows("""
                SELECT session_generation, EXISTS (SELECT 1 FROM revoked_sessions WHERE session_id = $2)
                FROM users WHERE id = $1
                """, userID, sessionID)
            guard let row = rows.first else { return nil }
            return SessionStatus(generation: try row.integer(0), isRevoked: try row.boolean(1))
        }
    }

    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try link.transaction(body)
    }
}
