import Testing
@testable import Accounts
import SQLiteStore

/// Remember this device: a browser that gave a right code once stands in for the code later.
struct DevicesTests {
    let fixture: ServiceFixture
    var service: AccountService { fixture.service }
    let t = Fixture.now
    let here = Fixture.client
    let id: Int64
    let alice: AuthenticatedUser

    init() throws {
        fixture = try ServiceFixture()
        (id, _) = try fixture.addUser("alice")
        alice = AuthenticatedUser(id: id, name: "alice", sessionGeneration: 0)
    }

    /// Remembers a browser of alice at `time`; returns its cookie's credential.
    func remember(at time: Int64? = nil, as user: AuthenticatedUser? = nil) throws -> DeviceCredential {
        let user = user ?? alice
        let token = try #require(try service.rememberDevice(user, label: "Firefox on Linux", now: time ?? t))
        return DeviceCredential(token: token, userID: user.id, sessionGeneration: user.sessionGeneration)
    }

    func login(_ password: String = "correct horse", device: DeviceCredential?, at time: Int64) throws -> LoginOutcome {
        try service.login(name: "alice", password: password, code: nil, client: here, device: device, now: time)
    }

    @Test func aRememberedDeviceStandsInForTheCodeButNotThePassword() throws {
        let device = try remember()
        #expect(try login(device: device, at: t + 60) == .success(alice))
        #expect(fixture.events.events.last == .loginSucceeded(user: "alice", factor: .rememberedDevice))
        #expect(try login("wrong horse", device: device, at: t + 61) == .refused(.failed))
        #expect(try service.devices(userID: id).first?.lastUsedAt == t + 60)
    }

    @Test func aDeviceEndsWithItsLifetime() throws {
        let device = try remember()
        let lifetime = AccountConfiguration().rememberDevice
        #expect(try login(device: device, at: t + lifetime - 1) == .success(alice))
        #expect(try login(device: device, at: t + lifetime) == .needsCode(alice))
    }

    /// Everything that moves the session generation on ends every remembered device.
    @Test(arguments: ["logout", "passwd", "reset-2fa"])
    func aDeviceEndsWithEverySessionOfItsUser(_ operation: String) throws {
        let device = try remember()
        switch operation {
        case "logout": try service.logoutEverywhere(named: "alice")
        case "passwd": try service.changePassword(named: "alice", to: "correct horse")
        default: try service.resetSecondFactor(named: "alice")
        }
        #expect(try service.devices(userID: id) == [])
        #expect(try login(device: device, at: t + 1) != .success(alice))
    }

    @Test func aPlainLogoutKeepsTheDevice() throws {
        let device = try remember()
        try service.logout(alice, sessionID: "s1", expiresAt: t + 3600, now: t)
        #expect(try login(device: device, at: t + 1) == .success(alice))
    }

    @Test func aDeviceWorksOnlyForItsOwnUserAndGeneration() throws {
        let (bobID, _) = try fixture.addUser("bob")
        let device = try remember()
        let stolen = DeviceCredential(token: device.token, userID: bobID, sessionGeneration: 0)
        #expect(try service.login(name: "bob", password: "correct horse", code: nil, client: here, device: stolen, now: t)
            == .needsCode(AuthenticatedUser(id: bobID, name: "bob", sessionGeneration: 0)))
        let stale = DeviceCredential(token: device.token, userID: id, sessionGeneration: 7)
        #expect(try login(device: stale, at: t) == .needsCode(alice))
        let forged = DeviceCredential(token: "AAAA", userID: id, sessionGeneration: 0)
        #expect(try login(device: forged, at: t) == .needsCode(alice))
    }

    @Test func aDeviceOfAnEndedGenerationIsNotRemembered() throws {
        try service.logoutEverywhere(named: "alice")
        #expect(try service.rememberDevice(alice, label: "Firefox", now: t) == nil)
        #expect(try service.devices(userID: id) == [])
    }

    @Test func rememberingIsOffWhenTheLifetimeIsZero() throws {
        var configuration = AccountConfiguration()
        configuration.rememberDevice = 0
        let service = AccountService(store: fixture.store, keys: Fixture.keys, hasher: try PasswordHasher(parameters: Fixture.cheapScrypt),
                                     configuration: configuration)
        #expect(try service.rememberDevice(alice, label: "Firefox", now: t) == nil)
    }

    @Test func theUserForgetsADeviceByItsHandle() throws {
        let kept = try remember()
        let forgotten = try remember(at: t + 5)
        let handle = try service.deviceHandle(token: forgotten.token)
        #expect(try service.devices(userID: id).map(\.handle) == [handle, try service.deviceHandle(token: kept.token)])
        #expect(try service.forgetDevice(alice, handle: handle))
        #expect(try !service.forgetDevice(alice, handle: handle))
        #expect(fixture.events.events.last == .deviceForgotten(user: "alice"))
        #expect(try login(device: forgotten, at: t + 10) == .needsCode(alice))
        #expect(try login(device: kept, at: t + 10) == .success(alice))
    }

    @Test func theStoreKeepsOnlyAHashOfTheDeviceID() throws {
        let device = try remember()
        let stored = try #require(try service.devices(userID: id).first)
        #expect(!stored.idHash.isEmpty && stored.idHash != Array(device.token.utf8))
        #expect(!stored.handle.contains(device.token))
    }

    /// What the browser calls itself → the label kept.
    @Test(arguments: [
        ("Firefox on Linux", "Firefox on Linux"),
        ("  Mozilla/5.0\t(X11;\n Linux)  ", "Mozilla/5.0 (X11; Linux)"),
        ("Café <script>", "Caf <script>"),
        ("", "unknown browser"),
        (String(repeating: "a", count: 300), String(repeating: "a", count: 100)),
    ])
    func labelsADeviceInPrintableText(_ userAgent: String, _ label: String) {
        #expect(AccountService.deviceLabel(userAgent) == label)
    }
}
