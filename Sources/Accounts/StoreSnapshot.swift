/// Everything a store holds, for `totpgate store migrate`: read from one
/// store with ``UserStore/exportSnapshot()`` and written into an empty one
/// with ``UserStore/importSnapshot(_:)``, ids and all (sealed secrets and
/// recovery-code hashes are bound to the user id).
///
/// The order of rows within each list is unspecified.
public struct StoreSnapshot: Sendable, Equatable {
    /// Every user, groups included.
    public var users: [UserRecord]
    /// The highest user id ever handed out (0 for none), deleted users included:
    /// the target store hands out only higher ones, so no id is ever reused.
    public var lastUserID: Int64
    /// Every recovery code, used ones included.
    public var recoveryCodes: [RecoveryCodeRecord]
    /// Every logged-out session not yet purged.
    public var revokedSessions: [RevokedSession]
    /// Every throttle row, of known and unknown names and of addresses.
    public var throttleRows: [ThrottleRow]
    /// Every remembered device.
    public var devices: [DeviceRecord]

    /// A snapshot of these rows.
    public init(
        users: [UserRecord] = [], lastUserID: Int64 = 0, recoveryCodes: [RecoveryCodeRecord] = [],
        revokedSessions: [RevokedSession] = [], throttleRows: [ThrottleRow] = [], devices: [DeviceRecord] = []
    ) {
        self.users = users
        self.lastUserID = lastUserID
        self.recoveryCodes = recoveryCodes
        self.revokedSessions = revokedSessions
        self.throttleRows = throttleRows
        self.devices = devices
    }

    /// Whether the snapshot holds no row at all (a fresh store's).
    public var isEmpty: Bool {
        users.isEmpty && recoveryCodes.isEmpty && revokedSessions.isEmpty && throttleRows.isEmpty && devices.isEmpty
    }
}
