import Accounts
import SQLRecords

/// Remembered devices: one row per browser, keyed by the hash of its id.
extension SQLiteUserStore {
    public func addDevice(_ device: DeviceRecord, sessionGeneration: Int64) throws -> Bool {
        try connection.run("""
            INSERT INTO devices (\(DeviceRecord.columns))
            SELECT ?, id, ?, ?, ? FROM users WHERE id = ? AND session_generation = ?
            """, device.idHash, device.label, device.createdAt, device.lastUsedAt, device.userID, sessionGeneration) == 1
    }

    public func device(idHash: [UInt8]) throws -> DeviceRecord? {
        try connection.rows("SELECT \(DeviceRecord.columns) FROM devices WHERE id_hash = ?", idHash).first.map(DeviceRecord.init)
    }

    public func touchDevice(idHash: [UInt8], at time: Int64) throws -> Bool {
        try connection.run("UPDATE devices SET last_used_at = ? WHERE id_hash = ?", time, idHash) == 1
    }

    public func devices(userID: Int64) throws -> [DeviceRecord] {
        try connection.rows("SELECT \(DeviceRecord.columns) FROM devices WHERE user_id = ? ORDER BY last_used_at DESC, created_at DESC",
                            userID).map(DeviceRecord.init)
    }

    public func deleteDevice(userID: Int64, idHash: [UInt8]) throws -> Bool {
        try connection.run("DELETE FROM devices WHERE user_id = ? AND id_hash = ?", userID, idHash) == 1
    }

    public func purgeDevices(createdBefore time: Int64) throws -> Int {
        try connection.run("DELETE FROM devices WHERE created_at < ?", time)
    }
}
