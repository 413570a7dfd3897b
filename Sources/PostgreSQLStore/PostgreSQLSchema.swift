import Accounts

/// The PostgreSQL schema, as migrations: `migrations[v]` takes a database from
/// version v (in `schema_version`; 0 when there is no such table) to v + 1.
/// Append, never edit a shipped one. The tables are the SQLite store's
/// (`SQLiteSchema` at its version 2); PostgreSQL starts there.
///
/// Times are Unix seconds in `bigint`, as in the SQLite store. Names are
/// unique and found regardless of ASCII case: `lower` under the "C" collation
/// folds ASCII letters only, whatever the database's locale, like SQLite's
/// NOCASE.
enum PostgreSQLSchema {
    static let migrations: [String] = [
        """
        CREATE TABLE users (
            -- An identity never hands out an id twice, so a session of a deleted user cannot name a new one.
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text NOT NULL,
            password_hash text NOT NULL,
            totp_secret bytea,
            pending_totp_secret bytea,
            enrolled_at bigint,
            last_step bigint,
            session_generation bigint NOT NULL DEFAULT 0,
            created_at bigint NOT NULL
        );
        CREATE UNIQUE INDEX users_by_name ON users (lower(name COLLATE "C"));
        CREATE TABLE recovery_codes (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            code_hash bytea NOT NULL,
            used_at bigint,
            PRIMARY KEY (user_id, code_hash)
        );
        CREATE TABLE revoked_sessions (
            session_id text PRIMARY KEY,
            expires_at bigint NOT NULL
        );
        CREATE INDEX revoked_sessions_by_expiry ON revoked_sessions (expires_at);
        CREATE TABLE throttle (
            subject bytea NOT NULL,  -- empty: any name (an address row)
            address text NOT NULL,   -- empty: any address (an account row)
            failures integer NOT NULL CHECK (failures BETWEEN 0 AND 100),
            last_failure_at bigint,
            locked_until bigint,
            PRIMARY KEY (subject, address),
            CHECK (length(subject) > 0 OR address <> '')
        );
        CREATE INDEX throttle_by_last_failure ON throttle (last_failure_at);
        CREATE TABLE user_groups (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name text NOT NULL,
            PRIMARY KEY (user_id, name)
        );
        CREATE TABLE devices (
            id_hash bytea PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            label text NOT NULL,
            created_at bigint NOT NULL,
            last_used_at bigint NOT NULL
        );
        CREATE INDEX devices_by_user ON devices (user_id);
        CREATE INDEX devices_by_creation ON devices (created_at);
        """,
    ]

    /// Brings the schema that `connection` works in (the first of its
    /// `search_path`) to the current version, or throws
    /// ``StoreError/schemaTooNew(found:supported:)``.
    ///
    /// One transaction under an advisory lock named after the schema: of
    /// several hosts starting together on a fresh database, one migrates and
    /// the others wait, then find it done. DDL is transactional in
    /// PostgreSQL, so a failed migration leaves the previous version whole.
    static func migrate(_ connection: Connection) throws {
        try connection.transaction {
            try connection.rows("SELECT pg_advisory_xact_lock(hashtextextended('totpgate schema ' || coalesce(current_schema(), ''), 0))")
            let exists = try connection.rows("SELECT to_regclass('schema_version') IS NOT NULL")[0].boolean(0)
            let version = exists ? try connection.rows("SELECT version FROM schema_version")[0].integer(0) : 0
            guard version <= migrations.count else {
                throw StoreError.schemaTooNew(found: version, supported: migrations.count)
            }
            guard version < migrations.count else { return }
            if !exists {
                try connection.execute("CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version VALUES (0)")
            }
            for script in migrations.dropFirst(Int(version)) {
                try connection.execute(script)
            }
            try connection.changes("UPDATE schema_version SET version = $1", migrations.count)
        }
    }
}
