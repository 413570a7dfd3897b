import Accounts
import SQLRecords

/// Export and import of every row, for `totpgate store migrate`.
extension SQLiteUserStore {
    public func exportSnapshot() throws -> StoreSnapshot {
        // One transaction, so the rows are of one moment.
        try connection.transaction {
            StoreSnapshot(
                users: try allUsers(),
                lastUserID: try connection.rows("SELECT seq FROM sqlite_sequence WHERE name = 'users'").first?.integer(0) ?? 0,
                recoveryCodes: try connection.rows("SELECT \(RecoveryCodeRecord.columns) FROM recovery_codes")
                    .map(RecoveryCodeRecord.init),
                revokedSessions: try connection.rows("SELECT \(RevokedSession.columns) FROM revoked_sessions").map(RevokedSession.init),
                throttleRows: try connection.rows("SELECT \(ThrottleRow.columns) FROM throttle").map(ThrottleRow.init),
                devices: try connection.rows("SELECT \(DeviceRecord.columns) FROM devices").map(DeviceRecord.init))
        }
    }

    public func importSnapshot(_ snapshot: StoreSnapshot) throws {
        try connection.transaction {
            guard try isEmpty() else { throw StoreError.notEmpty("the SQLite store") }
            for user in snapshot.users {
                try connection.run("""
                    INSERT INTO users (id, name, password_hash, totp_secret, pending_totp_secret, enrolled_at, last_step,
                        session_generation, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, user.id, user.name, user.passwordHash, user.sealedSecret, user.sealedPendingSecret, user.enrolledAt,
                    user.lastStep, user.sessionGeneration, user.createdAt)
                _ = try replaceGroups(userID: user.id, with: user.groups)
            }
            // Inserting ids raised the sequence to the highest; a deleted user's id may be higher still.
            if try connection.run("UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'users'", snapshot.lastUserID) == 0,
               snapshot.lastUserID > 0 {
                try connection.run("INSERT INTO sqlite_sequence (name, seq) VALUES ('users', ?)", snapshot.lastUserID)
            }
            for code in snapshot.recoveryCodes {
                try connection.run("INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (?, ?, ?)",
                                   code.userID, code.hash, code.usedAt)
            }
            for session in snapshot.revokedSessions {
                try revokeSession(id: session.sessionID, expiresAt: session.expiresAt)
            }
            for row in snapshot.throttleRows {
                guard try replaceThrottleStates([ThrottleChange(key: row.key, expected: .clear, new: row.state)]) else {
                    throw StoreError.notEmpty("the SQLite store")  // a key twice in the snapshot
                }
            }
            for device in snapshot.devices {
                try connection.run("INSERT INTO devices (\(DeviceRecord.columns)) VALUES (?, ?, ?, ?, ?)",
                                   device.idHash, device.userID, device.label, device.createdAt, device.lastUsedAt)
            }
        }
    }

    private func isEmpty() throws -> Bool {
        try connection.rows("""
            SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM revoked_sessions) OR EXISTS (SELECT 1 FROM throttle)
            """)[0].integer(0) == 0
    }
}
