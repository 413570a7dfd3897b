import Accounts
import Foundation
import TestSupport
import Testing
@testable import PostgreSQLStore

/// A store whose connection drops comes back by itself at its next use.
@Suite(.needsPostgreSQL)
struct ReconnectionTests {
    let schema: TestSchema
    let store: PostgreSQLUserStore

    init() throws {
        schema = try TestSchema()
        store = try schema.store()
    }

    /// Ends the store's connection from the server side, as a server restart or a failover does.
    func dropConnection() throws {
        let pid = try #require(store.serverProcessID)
        #expect(try schema.connection().rows("SELECT pg_terminate_backend($1)", Int(pid))[0].boolean(0))
    }

    @Test func aReadAfterTheConnectionDroppedSucceedsOnANewOne() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: 1)
        let before = store.serverProcessID
        try dropConnection()
        #expect(try store.user(named: "alice")?.id == id)
        #expect(store.serverProcessID != before)
    }

    @Test func aWriteWhoseConnectionDroppedFailsUnavailableAndTheNextUseReconnects() throws {
        let id = try store.insertUser(name: "alice", passwordHash: "x", createdAt: 1)
        try dropConnection()
        #expect(throws: StoreError.self) { try store.acceptStep(userID: id, step: 7) }
        #expect(try store.acceptStep(userID: id, step: 7))
        #expect(try store.user(id: id)?.lastStep == 7)
    }

    @Test func aTransactionWhoseConnectionDroppedChangesNothing() throws {
        let error = try #require(throws: StoreError.self) {
            try store.inTransaction {
                _ = try store.insertUser(name: "alice", passwordHash: "x", createdAt: 1)
                try dropConnection()
                _ = try store.user(named: "alice")  // a read inside a transaction is not repeated either
            }
        }
        guard case .unavailable = error else { Issue.record("\(error)"); return }
        #expect(try store.allUsers().isEmpty)
    }

    @Test func aStoreOpenedWhileTheServerIsAwayIsUnavailableUntilItAnswers() throws {
        let away = try PostgreSQLUserStore(try ConnectionString("postgresql://totpgate@/totpgate?host=/nonexistent-\(UUID())"))
        #expect(away.serverProcessID == nil)
        let error = try #require(throws: StoreError.self) { try away.allUsers() }
        guard case .unavailable(let reason) = error else { Issue.record("\(error)"); return }
        #expect(reason.contains("/nonexistent-"))
    }
}
