import Accounts
import SQLRecords

/// The ``UserStore`` in a PostgreSQL database, shared by every host of a
/// deployment that outgrows one machine.
///
/// Each rule that decides between concurrent workers is one statement (a
/// conditional `UPDATE … WHERE`, which PostgreSQL re-checks on the row a
/// concurrent writer left) or one short read-committed transaction whose
/// first statement locks the user's row: a concurrent change to the same
/// user then waits for the commit, and each later statement of the
/// transaction sees what that change committed. So two workers or hosts can
/// never both win. The schema is migrated under an advisory lock whenever a
/// connection opens.
///
/// An instance owns one connection (reopened by itself after the server was
/// away: see ``ReconnectingConnection``) and its prepared statements; it is
/// not safe to share between threads. Open one per worker thread.
public final class PostgreSQLUserStore: UserStore, CustomStringConvertible {
    /// libpq settings applied unless the URI sets them: give up connecting
    /// after 5 s; on TCP, give up on a statement the server has not
    /// acknowledged for 10 s, and notice an idle connection's dead peer
    /// within about a minute; so a worker is never stuck on a server gone
    /// from the network.
    static let connectionDefaults = [
        ("connect_timeout", "5"), ("tcp_user_timeout", "10000"),
        ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
        ("application_name", "totpgate"), ("client_encoding", "UTF8"),
    ]

    let link: ReconnectingConnection
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

    // MARK: Users

    static let userColumns = UserRecord.columns(groupList: "string_agg(g.name, ',')")

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
                                name).first.map(UserRecord.init)
        }
    }

    public func user(id: Int64) throws -> UserRecord? {
        try link.read { connection in
            try connection.rows("SELECT \(Self.userColumns) FROM users WHERE id = $1", id).first.map(UserRecord.init)
        }
    }

    public func allUsers() throws -> [UserRecord] {
        try link.read { connection in
            try connection.rows("SELECT \(Self.userColumns) FROM users ORDER BY lower(name COLLATE \"C\")").map(UserRecord.init)
        }
    }

    public func deleteUser(id: Int64) throws -> Bool {
        try link.write { try $0.changes("DELETE FROM users WHERE id = $1", id) == 1 }
    }

    public func setPasswordHash(userID: Int64, _ hash: String, endingSessions: Bool) throws -> Int64? {
        try changingGeneration(userID: userID, by: endingSessions ? 1 : 0) { connection, bump in
            try connection.rows("""
                UPDATE users SET password_hash = $1, session_generation = session_generation + $2 WHERE id = $3
                RETURNING session_generation
                """, hash, bump, userID)
        }
    }

    /// Runs `update` — which changes the user's row, moving the generation on
    /// by `bump`, and returns the generation after — then, if it moved,
    /// deletes the user's devices; one transaction. The update locks the row
    /// first, so a device being added under the old generation (which holds
    /// a share lock on the row) is committed before, and deleted here.
    func changingGeneration(
        userID: Int64, by bump: Int, _ update: (Connection, Int) throws -> [Row]
    ) throws -> Int64? {
        try link.transaction {
            try link.write { connection in
                guard let generation = try update(connection, bump).first?.integer(0) else { return nil }
                if bump > 0 { try connection.changes("DELETE FROM devices WHERE user_id = $1", userID) }
                return generation
            }
        }
    }

    // MARK: Second factor

    public func startEnrolment(userID: Int64, sealed: [UInt8]) throws -> Bool {
        try link.write { connection in
            try connection.changes("UPDATE users SET pending_totp_secret = $1 WHERE id = $2 AND totp_secret IS NULL",
                                   sealed, userID) == 1
        }
    }

    public func enrol(
        userID: Int64, sealedSecret: [UInt8], replacingPending pending: [UInt8]?, lastStep: Int64?,
        recoveryCodeHashes: [[UInt8]], at time: Int64
    ) throws -> Int64? {
        try changingGeneration(userID: userID, by: pending == nil ? 0 : 1) { connection, bump in
            // A concurrent enrolment waits for this row and then finds the pending secret gone.
            let rows = try connection.rows("""
                UPDATE users SET totp_secret = $1, pending_totp_secret = NULL, enrolled_at = $2, last_step = $3,
                    session_generation = session_generation + $4
                WHERE id = $5 AND ($6::bytea IS NULL OR (totp_secret IS NULL AND pending_totp_secret = $6))
                RETURNING session_generation
                """, sealedSecret, time, lastStep, bump, userID, pending)
            if !rows.isEmpty { try replaceRecoveryCodes(userID: userID, hashes: recoveryCodeHashes) }
            return rows
        }
    }

    public func resetSecondFactor(userID: Int64) throws -> Int64? {
        try changingGeneration(userID: userID, by: 1) { connection, bump in
            let rows = try connection.rows("""
                UPDATE users SET totp_secret = NULL, pending_totp_secret = NULL, enrolled_at = NULL,
                    last_step = NULL, session_generation = session_generation + $1
                WHERE id = $2
                RETURNING session_generation
                """, bump, userID)
            try connection.changes("DELETE FROM recovery_codes WHERE user_id = $1", userID)
            return rows
        }
    }

    public func acceptStep(userID: Int64, step: Int64) throws -> Bool {
        try link.write { connection in
            try connection.changes("UPDATE users SET last_step = $2 WHERE id = $1 AND (last_step IS NULL OR last_step < $2)",
                                   userID, step) == 1
        }
    }

    // MARK: Recovery codes

    public func replaceRecoveryCodes(userID: Int64, hashes: [[UInt8]]) throws {
        try link.transaction {
            try link.write { connection in
                // Replacements of one user's codes take turns, so each DELETE sees the codes the one before inserted.
                try lockUser(userID, on: connection)
                try connection.changes("DELETE FROM recovery_codes WHERE user_id = $1", userID)
                for hash in hashes {
                    try connection.changes("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)", userID, hash)
                }
            }
        }
    }

    /// Locks the user's row against other changes to the user until the
    /// transaction ends; false when there is no such user.
    @discardableResult
    func lockUser(_ userID: Int64, on connection: Connection) throws -> Bool {
        try !connection.rows("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", userID).isEmpty
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

    // MARK: Sessions

    public func bumpSessionGeneration(userID: Int64) throws -> Int64? {
        try changingGeneration(userID: userID, by: 1) { connection, bump in
            try connection.rows("UPDATE users SET session_generation = session_generation + $1 WHERE id = $2 RETURNING session_generation",
                                bump, userID)
        }
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
                SELECT session_generation, EXISTS (SELECT 1 FROM revoked_sessions WHERE session_id = $2),
                    (SELECT string_agg(name, ',') FROM user_groups WHERE user_id = $1)
                FROM users WHERE id = $1
                """, userID, sessionID)
            guard let row = rows.first else { return nil }
            return SessionStatus(generation: try row.integer(0), isRevoked: try row.boolean(1), groups: try UserRecord.groups(row, 2))
        }
    }

    // MARK: Maintenance

    /// A server down or refusing fails at once; one gone from the network
    /// fails after `limit` on an open connection, which is then given up.
    /// Opening one to such a server waits out `connect_timeout` (5 s), one
    /// thread of the process at a time (``ConnectAttempts``), so there is no
    /// second try on a new connection here, as other reads get: the next use
    /// after a failure connects again.
    public func ping(within limit: Duration) throws {
        try link.write { try $0.ping(within: limit) }
    }

    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try link.transaction(.readCommitted, body)
    }
}
