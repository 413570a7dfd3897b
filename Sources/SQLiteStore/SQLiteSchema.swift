import Accounts

/// The SQLite schema, as migrations: `migrations[v]` takes a database from
/// `PRAGMA user_version` v to v + 1, inside the transaction that opens the
/// store. Append, never edit a shipped one.
enum SQLiteSchema {
    /// One step, given the connection and the keys (which only a step that
    /// re-keys rows, such as 2's throttle subjects, uses).
    typealias Migration = @Sendable (Connection, AccountKeys) throws -> Void

    static let migrations: [Migration] = [
        { connection, _ in try connection.execute(version1) },
        { connection, keys in try migrateToVersion2(connection, keys: keys) },
    ]

    /// Wave 1: users with their throttle state, recovery codes, revoked sessions.
    private static let version1 = """
        CREATE TABLE users (
            -- AUTOINCREMENT: an id is never reused, so a session of a deleted user cannot name a new one.
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            totp_secret BLOB,
            pending_totp_secret BLOB,
            enrolled_at INTEGER,
            last_step INTEGER,
            failures INTEGER NOT NULL DEFAULT 0 CHECK (failures BETWEEN 0 AND 100),
            last_failure_at INTEGER,
            locked_until INTEGER,
            session_generation INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE recovery_codes (
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            code_hash BLOB NOT NULL,
            used_at INTEGER,
            PRIMARY KEY (user_id, code_hash)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE revoked_sessions (
            session_id TEXT PRIMARY KEY,
            expires_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX revoked_sessions_by_expiry ON revoked_sessions (expires_at);
        """

    /// Wave 2: throttle rows by subject and address (out of the users table),
    /// groups, remembered devices.
    private static let version2Tables = """
        CREATE TABLE throttle (
            subject BLOB NOT NULL,   -- empty: any name (an address row)
            address TEXT NOT NULL,   -- empty: any address (an account row)
            failures INTEGER NOT NULL CHECK (failures BETWEEN 0 AND 100),
            last_failure_at INTEGER,
            locked_until INTEGER,
            PRIMARY KEY (subject, address),
            CHECK (length(subject) > 0 OR address <> '')
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX throttle_by_last_failure ON throttle (last_failure_at);
        CREATE TABLE user_groups (
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            PRIMARY KEY (user_id, name)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE devices (
            id_hash BLOB PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            last_used_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX devices_by_user ON devices (user_id);
        CREATE INDEX devices_by_creation ON devices (created_at);
        """

    /// Creates the wave-2 tables and carries each user's wave-1 failures and
    /// lock over as the account row of their name's subject, so an upgrade
    /// lifts no lock; then drops the old columns.
    private static func migrateToVersion2(_ connection: Connection, keys: AccountKeys) throws {
        try connection.execute(version2Tables)
        let counted = try connection.rows("""
            SELECT name, failures, last_failure_at, locked_until FROM users
            WHERE failures > 0 OR locked_until IS NOT NULL
            """)
        for row in counted {
            try connection.run("""
                INSERT INTO throttle (subject, address, failures, last_failure_at, locked_until) VALUES (?, '', ?, ?, ?)
                """, try keys.throttleSubject(of: try row.text(0)).bytes, try row.integer(1), try row.optionalInteger(2),
                try row.optionalInteger(3))
        }
        try connection.execute("""
            ALTER TABLE users DROP COLUMN failures;
            ALTER TABLE users DROP COLUMN last_failure_at;
            ALTER TABLE users DROP COLUMN locked_until;
            """)
    }
}
