import Accounts
import SQLRecords

/// Export and import of every row, for `totpgate store migrate`.
extension PostgreSQLUserStore {
    public func exportSnapshot() throws -> StoreSnapshot {
        // Repeatable read: every statement sees the same moment.
        try link.transaction(.snapshot) {
            try link.read { connection in
                StoreSnapshot(
                    users: try allUsers(),
                    lastUserID: try connection.rows("""
                        SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('users', 'id')), 0)
                        """)[0].integer(0),
                    recoveryCodes: try connection.rows("SELECT \(RecoveryCodeRecord.columns) FROM recovery_codes")
                        .map(RecoveryCodeRecord.init),
                    revokedSessions: try connection.rows("SELECT \(RevokedSession.columns) FROM revoked_sessions")
                        .map(RevokedSession.init),
                    throttleRows: try connection.rows("SELECT \(ThrottleRow.columns) FROM throttle").map(ThrottleRow.init),
                    devices: try connection.rows("SELECT \(DeviceRecord.columns) FROM devices").map(DeviceRecord.init))
            }
        }
    }

    public func importSnapshot(_ snapshot: StoreSnapshot) throws {
        try link.transaction {
            try link.write { connection in
                // Exclusive: a second import (or a user added) waits, then finds the store no longer empty.
                try connection.execute("LOCK TABLE users, revoked_sessions, throttle IN EXCLUSIVE MODE")
                guard try isEmpty(connection) else { throw StoreError.notEmpty("the PostgreSQL store") }
                for user in snapshot.users {
                    try connection.changes("""
                        INSERT INTO users (id, name, password_hash, totp_secret, pending_totp_secret, enrolled_at, last_step,
                            session_generation, created_at)
                        OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                        """, user.id, user.name, user.passwordHash, user.sealedSecret, user.sealedPendingSecret, user.enrolledAt,
                        user.lastStep, user.sessionGeneration, user.createdAt)
                    _ = try replaceGroups(userID: user.id, with: user.groups)
                }
                // Ids were given, not drawn: the next one drawn must be higher than any handed out, deleted users' too.
                let highest = max(snapshot.lastUserID, snapshot.users.map(\.id).max() ?? 0)
                if highest > 0 {
                    try connection.rows("SELECT setval(pg_get_serial_sequence('users', 'id'), $1)", highest)
                }
                for code in snapshot.recoveryCodes {
                    try connection.changes("INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, $3)",
                                           code.userID, code.hash, code.usedAt)
                }
                for session in snapshot.revokedSessions {
                    try revokeSession(id: session.sessionID, expiresAt: session.expiresAt)
                }
                for row in snapshot.throttleRows {
                    try connection.changes("INSERT INTO throttle (\(ThrottleRow.columns)) VALUES ($1, $2, $3, $4, $5)",
                                           row.key.subjectBytes, row.key.storedAddress, row.state.failures,
                                           row.state.lastFailureAt, row.state.lockedUntil)
                }
                for device in snapshot.devices {
                    try connection.changes("INSERT INTO devices (\(DeviceRecord.columns)) VALUES ($1, $2, $3, $4, $5)",
                                           device.idHash, device.userID, device.label, device.createdAt, device.lastUsedAt)
                }
            }
        }
    }

    private func isEmpty(_ connection: Connection) throws -> Bool {
        try connection.rows("""
            SELECT NOT (EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM revoked_sessions) OR EXISTS (SELECT 1 FROM throttle))
            """)[0].boolean(0)
    }
}
