import Testing
@testable import Accounts
import SQLiteStore

struct GroupsTests {
    let fixture: ServiceFixture
    var service: AccountService { fixture.service }

    init() throws {
        fixture = try ServiceFixture()
    }

    @Test func aUserIsAddedInGroupsKeptInLowerCase() throws {
        try service.addUser(name: "alice", password: "correct horse", totpSecret: nil, groups: ["Admins", "staff", "STAFF"],
                            now: Fixture.now)
        let alice = try #require(try fixture.store.user(named: "alice"))
        #expect(alice.groups == ["admins", "staff"])
        #expect(try service.sessionStatus(userID: alice.id, sessionID: "s")?.groups == ["admins", "staff"])
        #expect(try service.listUsers(now: Fixture.now).first?.groups == ["admins", "staff"])
        #expect(fixture.events.events.contains(.groupsChanged(user: "alice", groups: ["admins", "staff"])))
    }

    @Test func groupsAreAddedAndRemoved() throws {
        try fixture.addUser("alice")
        #expect(try service.changeGroups(named: "ALICE", adding: ["wiki", "ops"], removing: []) == ["ops", "wiki"])
        #expect(try service.changeGroups(named: "alice", adding: ["admins"], removing: ["OPS"]) == ["admins", "wiki"])
        #expect(fixture.events.events.last == .groupsChanged(user: "alice", groups: ["admins", "wiki"]))
        #expect(fixture.events.events.last?.description == "groups-changed user=alice groups=admins,wiki")
    }

    @Test(arguments: ["", "a,b", "has space", "-dash", String(repeating: "g", count: 65)])
    func aBadGroupNameIsRefusedAndChangesNothing(_ group: String) throws {
        try fixture.addUser("alice")
        #expect(throws: AccountError.self) { try service.changeGroups(named: "alice", adding: ["ok", group], removing: []) }
        #expect(throws: AccountError.self) {
            try service.addUser(name: "bob", password: "correct horse", totpSecret: nil, groups: [group], now: Fixture.now)
        }
        #expect(try fixture.store.allUsers().map(\.groups) == [[]])
    }

    @Test func changingTheGroupsOfAMissingUserFails() throws {
        #expect(throws: AccountError.userNotFound("nobody")) { try service.changeGroups(named: "nobody", adding: ["a"], removing: []) }
    }
}
