import Accounts
import SQLRecords

/// Throttle rows: keyed by (subject, address), an empty value standing for "any".
extension SQLiteUserStore {
    public func throttleStates(_ keys: [ThrottleKey]) throws -> [ThrottleState] {
        try keys.map(throttleState)
    }

    private func throttleState(_ key: ThrottleKey) throws -> ThrottleState {
        let rows = try connection.rows("SELECT \(ThrottleRow.columns) FROM throttle WHERE subject = ? AND address = ?",
                                       key.subjectBytes, key.storedAddress)
        return try rows.first.map(ThrottleRow.init)?.state ?? .clear
    }

    public func replaceThrottleStates(_ changes: [ThrottleChange]) throws -> Bool {
        // BEGIN IMMEDIATE takes the write lock before the reads, so nothing changes between compare and set.
        try connection.transaction {
            for change in changes where try throttleState(change.key) != change.expected { return false }
            for change in changes { try write(change.new, to: change.key) }
            return true
        }
    }

    private func write(_ state: ThrottleState, to key: ThrottleKey) throws {
        guard state != .clear else {
            try connection.run("DELETE FROM throttle WHERE subject = ? AND address = ?", key.subjectBytes, key.storedAddress)
            return
        }
        try connection.run("""
            INSERT INTO throttle (\(ThrottleRow.columns)) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (subject, address) DO UPDATE SET failures = excluded.failures,
                last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until
            """, key.subjectBytes, key.storedAddress, state.failures, state.lastFailureAt, state.lockedUntil)
    }

    public func clearThrottleStates(_ keys: [ThrottleKey]) throws {
        try connection.transaction {
            for key in keys { try write(.clear, to: key) }
        }
    }

    public func throttleRows(subject: ThrottleSubject) throws -> [ThrottleRow] {
        try connection.rows("SELECT \(ThrottleRow.columns) FROM throttle WHERE subject = ?", subject.bytes).map(ThrottleRow.init)
    }

    public func clearThrottleRows(subject: ThrottleSubject) throws -> Int {
        try connection.run("DELETE FROM throttle WHERE subject = ?", subject.bytes)
    }

    public func purgeThrottleRows(idleSince: Int64, now: Int64) throws -> Int {
        try connection.run("""
            DELETE FROM throttle
            WHERE (last_failure_at IS NULL OR last_failure_at < ?) AND (locked_until IS NULL OR locked_until <= ?)
            """, idleSince, now)
    }
}
