/// The SQLite schema, as migrations: `migrations[v]` takes a database from
/// `PRAGMA user_version` v to v + 1. Append, never edit a shipped one.
enum Schema {
    static let migrations: [String] = [
        """
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
        """,
    ]
}
