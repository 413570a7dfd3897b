import Accounts

/// Groups: one row per (user, group).
extension SQLiteUserStore {
    public func replaceGroups(userID: Int64, with groups: [String]) throws -> Bool {
        try connection.transaction {
            guard try userExists(userID) else { return false }
            try connection.run("DELETE FROM user_groups WHERE user_id = ?", userID)
            try insertGroups(groups, userID: userID)
            return true
        }
    }

    public func changeGroups(userID: Int64, adding: [String], removing: [String]) throws -> [String]? {
        try connection.transaction {
            guard try userExists(userID) else { return nil }
            try insertGroups(adding, userID: userID)
            for group in removing {
                try connection.run("DELETE FROM user_groups WHERE user_id = ? AND name = ?", userID, group)
            }
            return try connection.rows("SELECT name FROM user_groups WHERE user_id = ? ORDER BY name", userID).map { try $0.text(0) }
        }
    }

    private func insertGroups(_ groups: [String], userID: Int64) throws {
        for group in groups {
            try connection.run("INSERT INTO user_groups (user_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", userID, group)
        }
    }

    private func userExists(_ userID: Int64) throws -> Bool {
        try !connection.rows("SELECT 1 FROM users WHERE id = ?", userID).isEmpty
    }
}
