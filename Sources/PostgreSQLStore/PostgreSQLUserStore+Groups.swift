import Accounts

/// Groups: one row per (user, group). A change locks the user's row first,
/// so changes to one user's groups take turns.
extension PostgreSQLUserStore {
    public func replaceGroups(userID: Int64, with groups: [String]) throws -> Bool {
        try link.transaction {
            try link.write { connection in
                guard try lockUser(userID, on: connection) else { return false }
                try connection.changes("DELETE FROM user_groups WHERE user_id = $1", userID)
                try insertGroups(groups, userID: userID, on: connection)
                return true
            }
        }
    }

    public func changeGroups(userID: Int64, adding: [String], removing: [String]) throws -> [String]? {
        try link.transaction {
            try link.write { connection in
                guard try lockUser(userID, on: connection) else { return nil }
                try insertGroups(adding, userID: userID, on: connection)
                for group in removing {
                    try connection.changes("DELETE FROM user_groups WHERE user_id = $1 AND name = $2", userID, group)
                }
                return try connection.rows("SELECT name FROM user_groups WHERE user_id = $1", userID).map { try $0.text(0) }.sorted()
            }
        }
    }

    private func insertGroups(_ groups: [String], userID: Int64, on connection: Connection) throws {
        for group in groups {
            try connection.changes("INSERT INTO user_groups (user_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", userID, group)
        }
    }
}
