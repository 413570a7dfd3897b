import Accounts
import SQLRecords

/// Remembered devices: one row per browser, keyed by the hash of its id.
extension PostgreSQLUserStore {
    public func addDevice(_ device: DeviceRecord, sessionGeneration: Int64) throws -> Bool {
        // FOR SHARE: a generation bump waits for this insert to commit, then deletes the device; or, bumped
        // first, makes this one find the generation moved on (PostgreSQL re-checks a locked row's WHERE).
        try link.write { connection in
            try connection.changes("""
                INSERT INTO devices (\(DeviceRecord.columns))
                SELECT $1, id, $2, $3, $4 FROM users WHERE id = $5 AND session_generation = $6 FOR SHARE
                """, device.idHash, device.label, device.createdAt, device.lastUsedAt, device.userID, sessionGeneration) == 1
        }
    }

    public func device(idHash: [UInt8]) throws -> DeviceRecord? {
        try link.read { connection in
            try connection.rows("SELECT \(DeviceRecord.columns) FROM devices WHERE id_hash = $1", idHash).first.map(DeviceRecord.init)
        }
    }

    public func touchDevice(idHash: [UInt8], at time: Int64) throws -> Bool {
        try link.write { try $0.changes("UPDATE devices SET last_used_at = $1 WHERE id_hash = $2", time, idHash) == 1 }
    }

    public func devices(userID: Int64) throws -> [DeviceRecord] {
        try link.read { connection in
            try connection.rows("""
                SELECT \(DeviceRecord.columns) FROM devices WHERE user_id = $1 ORDER BY last_used_at DESC, created_at DESC
                """, userID).map(DeviceRecord.init)
        }
    }

    public func deleteDevice(userID: Int64, idHash: [UInt8]) throws -> Bool {
        try link.write { try $0.changes("DELETE FROM devices WHERE user_id = $1 AND id_hash = $2", userID, idHash) == 1 }
    }

    public func purgeDevices(createdBefore time: Int64) throws -> Int {
        // Rows another transaction holds are left for the next purge, so a purge never waits or deadlocks.
        try link.write { connection in
            try connection.changes("""
                DELETE FROM devices WHERE id_hash IN (SELECT id_hash FROM devices WHERE created_at < $1 FOR UPDATE SKIP LOCKED)
                """, time)
        }
    }
}
