import Accounts

// The records of Accounts as rows of the SQL stores' tables, which both
// stores lay out alike: each record's columns, in the order its initialiser
// reads them.

extension UserRecord {
    /// The columns ``init(row:)`` reads; `groupList` is the store's SQL for the
    /// user's groups as one comma-separated text (NULL for none).
    public static func columns(groupList: String) -> String {
        "id, name, password_hash, totp_secret, pending_totp_secret, enrolled_at, last_step, session_generation, created_at, "
            + "(SELECT \(groupList) FROM user_groups g WHERE g.user_id = users.id)"
    }

    /// The user in a row of ``columns(groupList:)``.
    public init(row: some SQLRow) throws {
        self.init(
            id: try row.integer(0),
            name: try row.text(1),
            passwordHash: try row.text(2),
            sealedSecret: try row.optionalBlob(3),
            sealedPendingSecret: try row.optionalBlob(4),
            enrolledAt: try row.optionalInteger(5),
            lastStep: try row.optionalInteger(6),
            sessionGeneration: try row.integer(7),
            createdAt: try row.integer(8),
            groups: try Self.groups(row, 9))
    }

    /// The groups in a comma-separated column (group names hold no comma), sorted.
    public static func groups(_ row: some SQLRow, _ column: Int) throws -> [String] {
        guard let list = try row.optionalText(column) else { return [] }
        return list.split(separator: ",").map(String.init).sorted()
    }
}

extension ThrottleRow {
    /// The columns ``init(row:)`` reads.
    public static let columns = "subject, address, failures, last_failure_at, locked_until"

    /// The row of the `throttle` table in a row of ``columns``.
    public init(row: some SQLRow) throws {
        self.init(
            key: ThrottleKey(subjectBytes: try row.blob(0), address: try row.text(1)),
            state: ThrottleState(failures: Int(try row.integer(2)), lastFailureAt: try row.optionalInteger(3),
                                 lockedUntil: try row.optionalInteger(4)))
    }
}

extension DeviceRecord {
    /// The columns ``init(row:)`` reads.
    public static let columns = "id_hash, user_id, label, created_at, last_used_at"

    /// The device in a row of ``columns``.
    public init(row: some SQLRow) throws {
        self.init(idHash: try row.blob(0), userID: try row.integer(1), label: try row.text(2),
                  createdAt: try row.integer(3), lastUsedAt: try row.integer(4))
    }
}

extension RecoveryCodeRecord {
    /// The columns ``init(row:)`` reads.
    public static let columns = "user_id, code_hash, used_at"

    /// The code in a row of ``columns``.
    public init(row: some SQLRow) throws {
        self.init(userID: try row.integer(0), hash: try row.blob(1), usedAt: try row.optionalInteger(2))
    }
}

extension RevokedSession {
    /// The columns ``init(row:)`` reads.
    public static let columns = "session_id, expires_at"

    /// The revocation in a row of ``columns``.
    public init(row: some SQLRow) throws {
        self.init(sessionID: try row.text(0), expiresAt: try row.integer(1))
    }
}
