import Accounts
import SQLRecords

/// Throttle rows: keyed by (subject, address), an empty value standing for
/// "any"; a clear state is no row.
extension PostgreSQLUserStore {
    public func throttleStates(_ keys: [ThrottleKey]) throws -> [ThrottleState] {
        try link.read { connection in
            try keys.map { key in
                try connection.rows("SELECT \(ThrottleRow.columns) FROM throttle WHERE subject = $1 AND address = $2",
                                    key.subjectBytes, key.storedAddress).first.map(ThrottleRow.init)?.state ?? .clear
            }
        }
    }

    /// A compare-and-set that lost: rolls its transaction back.
    private struct Lost: Error {}

    /// Each change, in the order given, locks its row while comparing it: an
    /// existing row by a conditional `UPDATE`/`DELETE`, an absent one by
    /// inserting it (a concurrent insert of the same key waits for this
    /// transaction, then finds the row there and loses). Claims lock their
    /// rows in one order, so they never deadlock.
    public func replaceThrottleStates(_ changes: [ThrottleChange]) throws -> Bool {
        do {
            try link.transaction {
                try link.write { connection in
                    for change in changes {
                        guard try compareAndSet(change, on: connection) else { throw Lost() }
                    }
                }
            }
            return true
        } catch is Lost {
            return false
        }
    }

    private func compareAndSet(_ change: ThrottleChange, on connection: Connection) throws -> Bool {
        let key = change.key
        guard change.expected != .clear else {
            // A clear state written over an absent row still inserts it for a moment, as the lock.
            let inserted = try connection.changes("""
                INSERT INTO throttle (\(ThrottleRow.columns)) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
                """, key.subjectBytes, key.storedAddress, change.new.failures, change.new.lastFailureAt, change.new.lockedUntil)
            if inserted == 1, change.new == .clear {
                try connection.changes("DELETE FROM throttle WHERE subject = $1 AND address = $2", key.subjectBytes, key.storedAddress)
            }
            return inserted == 1
        }
        let expected = "failures = $3 AND last_failure_at IS NOT DISTINCT FROM $4 AND locked_until IS NOT DISTINCT FROM $5"
        let old = change.expected
        if change.new == .clear {
            return try connection.changes("DELETE FROM throttle WHERE subject = $1 AND address = $2 AND \(expected)",
                                          key.subjectBytes, key.storedAddress, old.failures, old.lastFailureAt, old.lockedUntil) == 1
        }
        return try connection.changes("""
            UPDATE throttle SET failures = $6, last_failure_at = $7, locked_until = $8
            WHERE subject = $1 AND address = $2 AND \(expected)
            """, key.subjectBytes, key.storedAddress, old.failures, old.lastFailureAt, old.lockedUntil,
            change.new.failures, change.new.lastFailureAt, change.new.lockedUntil) == 1
    }

    public func clearThrottleStates(_ keys: [ThrottleKey]) throws {
        try link.transaction {
            try link.write { connection in
                for key in keys {
                    try connection.changes("DELETE FROM throttle WHERE subject = $1 AND address = $2", key.subjectBytes, key.storedAddress)
                }
            }
        }
    }

    public func throttleRows(subject: ThrottleSubject) throws -> [ThrottleRow] {
        try link.read { connection in
            try connection.rows("SELECT \(ThrottleRow.columns) FROM throttle WHERE subject = $1", subject.bytes).map(ThrottleRow.init)
        }
    }

    public func clearThrottleRows(subject: ThrottleSubject) throws -> Int {
        try link.write { try $0.changes("DELETE FROM throttle WHERE subject = $1", subject.bytes) }
    }

    public func purgeThrottleRows(idleSince: Int64, now: Int64) throws -> Int {
        // Rows a claim holds are in use, not idle: skipped, so a purge never waits for a claim or deadlocks with one.
        try link.write { connection in
            try connection.changes("""
                DELETE FROM throttle WHERE (subject, address) IN (
                    SELECT subject, address FROM throttle
                    WHERE (last_failure_at IS NULL OR last_failure_at < $1) AND (locked_until IS NULL OR locked_until <= $2)
                    FOR UPDATE SKIP LOCKED)
                """, idleSince, now)
        }
    }
}
