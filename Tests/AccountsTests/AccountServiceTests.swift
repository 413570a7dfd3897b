import Crypto
import Encoding
import Foundation
import Testing
@testable import Accounts
import SQLiteStore

struct AccountServiceTests {
    let fixture: ServiceFixture
    var service: AccountService { fixture.service }
    var store: SQLiteUserStore { fixture.store }
    let t = Fixture.now
    let here = Fixture.client

    init() throws {
        fixture = try ServiceFixture()
    }

    /// Failures of `name` counted from ``here``.
    func failures(_ name: String = "alice") throws -> Int {
        try fixture.states(name, from: here).pair.failures
    }

    // MARK: Login outcomes

    @Test func aRightPasswordAndCodeLogIn() throws {
        let (id, _) = try fixture.addUser()
        let outcome = try service.login(name: "alice", password: "correct horse", code: fixture.code(at: t), client: here, now: t)
        #expect(outcome == .success(AuthenticatedUser(id: id, name: "alice", sessionGeneration: 0)))
        #expect(fixture.events.events.last == .loginSucceeded(user: "alice", factor: .totp))
    }

    @Test func theNameIsFoundInAnyCaseAndReportedAsStored() throws {
        let (id, _) = try fixture.addUser("Alice")
        #expect(try service.login(name: "ALICE", password: "correct horse", code: nil, client: here, now: t)
                == .needsCode(AuthenticatedUser(id: id, name: "Alice", sessionGeneration: 0)))
    }

    @Test(arguments: [nil, "", "  "])
    func aRightPasswordWithoutACodeNeedsTheCode(_ code: String?) throws {
        let (id, _) = try fixture.addUser()
        #expect(try service.login(name: "alice", password: "correct horse", code: code, client: here, now: t)
                == .needsCode(AuthenticatedUser(id: id, name: "alice", sessionGeneration: 0)))
    }

    @Test func aRightPasswordWithoutEnrolmentNeedsEnrolment() throws {
        let (id, _) = try fixture.addUser(enrolled: false)
        #expect(try service.login(name: "alice", password: "correct horse", code: "123456", client: here, now: t)
                == .needsEnrolment(AuthenticatedUser(id: id, name: "alice", sessionGeneration: 0)))
    }

    /// Unknown user, wrong password and wrong code: one answer, told apart only in the audit log.
    @Test(arguments: [
        ("mallory", "correct horse", true, AuditEvent.loginFailed(user: nil, failure: .unknownUser)),
        ("not a valid name", "correct horse", true, .loginFailed(user: nil, failure: .unknownUser)),
        ("alice", "wrong horse", true, .loginFailed(user: "alice", failure: .password)),
        ("alice", "correct horse", false, .loginFailed(user: "alice", failure: .code)),
    ])
    func everyWrongCredentialGetsTheSameAnswer(_ name: String, _ password: String, _ rightCode: Bool, _ event: AuditEvent) throws {
        try fixture.addUser()
        let code = rightCode ? try fixture.code(at: t) : try fixture.code(at: t + 300)
        #expect(try service.login(name: name, password: password, code: code, client: here, now: t) == .refused(.failed))
        #expect(fixture.events.events.last == event)
    }

    @Test func theSecondStepTakesTheCode() throws {
        let (id, _) = try fixture.addUser()
        #expect(try service.verifySecondFactor(userID: id, code: fixture.code(at: t), client: here, now: t)
                == .success(AuthenticatedUser(id: id, name: "alice", sessionGeneration: 0)))
    }

    @Test(arguments: [-30, 0, 30])
    func acceptsCodesOneStepEitherSide(_ drift: Int64) throws {
        let (id, _) = try fixture.addUser()
        #expect(try service.verifySecondFactor(userID: id, code: fixture.code(at: t + drift), client: here, now: t) != .refused(.failed))
    }

    @Test(arguments: [-60, 60])
    func refusesCodesTwoStepsAway(_ drift: Int64) throws {
        let (id, _) = try fixture.addUser()
        #expect(try service.verifySecondFactor(userID: id, code: fixture.code(at: t + drift), client: here, now: t) == .refused(.failed))
    }

    @Test func acceptsACodeTypedWithASpace() throws {
        let (id, _) = try fixture.addUser()
        var code = try fixture.code(at: t)
        code.insert(" ", at: code.index(code.startIndex, offsetBy: 3))
        #expect(try service.verifySecondFactor(userID: id, code: code, client: here, now: t) != .refused(.failed))
    }

    @Test func rehashesAPasswordMadeWithOlderParameters() throws {
        try fixture.addUser()
        let stronger = AccountService(store: store, keys: Fixture.keys,
                                      hasher: try PasswordHasher(parameters: Scrypt(n: 32, r: 1, p: 1)))
        _ = try stronger.login(name: "alice", password: "correct horse", code: nil, client: here, now: t)
        let stored = try #require(try store.user(named: "alice")).passwordHash
        #expect(stored.hasPrefix("$scrypt$ln=5,r=1,p=1$"))
        #expect(try stronger.login(name: "alice", password: "correct horse", code: nil, client: here, now: t) != .refused(.failed))
    }

    // MARK: Replay

    @Test func aCodeWorksOnceAndANewerOneAfterIt() throws {
        let (id, _) = try fixture.addUser()
        let code = try fixture.code(at: t)
        #expect(try service.verifySecondFactor(userID: id, code: code, client: here, now: t) != .refused(.failed))
        #expect(try service.login(name: "alice", password: "correct horse", code: code, client: here, now: t + 1) == .refused(.failed))
        #expect(fixture.events.events.last == .replayRefused(user: "alice"))
        #expect(try service.verifySecondFactor(userID: id, code: fixture.code(at: t + 30), client: here, now: t + 30) != .refused(.failed))
    }

    @Test func anOlderCodeInTheWindowIsRefusedAfterANewerOne() throws {
        let (id, _) = try fixture.addUser()
        #expect(try service.verifySecondFactor(userID: id, code: fixture.code(at: t + 30), client: here, now: t) != .refused(.failed))
        #expect(try service.verifySecondFactor(userID: id, code: fixture.code(at: t), client: here, now: t) == .refused(.failed))
    }

    // MARK: Recovery codes

    @Test func aRecoveryCodeWorksOnceInPlaceOfACode() throws {
        let (id, codes) = try fixture.addUser()
        #expect(codes.count == 10)
        #expect(try service.remainingRecoveryCodes(userID: id) == 10)
        #expect(try service.login(name: "alice", password: "correct horse", code: codes[3], client: here, now: t)
                == .success(AuthenticatedUser(id: id, name: "alice", sessionGeneration: 0)))
        #expect(fixture.events.events.suffix(2) == [.recoveryCodeUsed(user: "alice", remaining: 9),
                                                   .loginSucceeded(user: "alice", factor: .recoveryCode)])
        #expect(try service.verifySecondFactor(userID: id, code: codes[3], client: here, now: t) == .refused(.failed))
        #expect(try service.remainingRecoveryCodes(userID: id) == 9)
    }

    @Test func aRecoveryCodeIsReadWhateverItsCaseSpacesAndHyphens() throws {
        let (id, codes) = try fixture.addUser()
        let typed = codes[0].uppercased().replacingOccurrences(of: "-", with: " ")
        #expect(try service.verifySecondFactor(userID: id, code: typed, client: here, now: t) != .refused(.failed))
    }

    @Test func regeneratingNeedsACurrentCodeAndReplacesEveryRecoveryCode() throws {
        let (id, old) = try fixture.addUser()
        #expect(try service.regenerateRecoveryCodes(userID: id, code: old[0], client: here, now: t) == .refused(.failed))
        guard case .confirmed(let new) = try service.regenerateRecoveryCodes(userID: id, code: fixture.code(at: t), client: here, now: t) else {
            Issue.record("regeneration with a right code was refused")
            return
        }
        #expect(new.count == 10)
        #expect(Set(new).isDisjoint(with: old))
        #expect(try service.verifySecondFactor(userID: id, code: old[1], client: here, now: t) == .refused(.failed))
        #expect(try service.verifySecondFactor(userID: id, code: new[1], client: here, now: t) != .refused(.failed))
    }

    // MARK: Enrolment

    @Test func anEnrolmentShowsItsSecretUntilAValidCodeEnablesIt() throws {
        let (id, _) = try fixture.addUser(enrolled: false)
        let ticket = try service.beginEnrolment(userID: id)
        let uri = try service.pendingEnrolment(userID: id, ticket: ticket)
        #expect(try service.pendingEnrolment(userID: id, ticket: ticket) == uri)
        #expect(uri.account == "alice")
        #expect(uri.issuer == "totpgate")
        #expect(uri.secret.count == 20)
        #expect(!ticket.contains(Base32.encode(uri.secret)))
        let totp = try uri.totp
        #expect(try service.completeEnrolment(userID: id, ticket: ticket, code: totp.code(at: t + 300), client: here, now: t) == .refused(.failed))
        let code = try totp.code(at: t)
        guard case .enrolled(let user, let recoveryCodes) = try service.completeEnrolment(userID: id, ticket: ticket, code: code, client: here, now: t) else {
            Issue.record("enrolment with a right code was refused")
            return
        }
        #expect(recoveryCodes.count == 10)
        #expect(user == AuthenticatedUser(id: id, name: "alice", sessionGeneration: 1))  // other sessions ended
        #expect(fixture.events.events.last == .enrolled(user: "alice"))
        #expect(try failures() == 0)
        // The confirming code is used up; the next one logs in.
        #expect(try service.login(name: "alice", password: "correct horse", code: code, client: here, now: t) == .refused(.failed))
        #expect(try service.login(name: "alice", password: "correct horse", code: totp.code(at: t + 30), client: here, now: t + 30)
                == .success(AuthenticatedUser(id: id, name: "alice", sessionGeneration: 1)))
    }

    /// Two logins with the password (say the user and an attacker who knows it):
    /// each enrolment has its own secret, and only the latest can be seen or finished.
    @Test func eachEnrolmentHasItsOwnSecretAndALaterOneVoidsTheEarlier() throws {
        let (id, _) = try fixture.addUser(enrolled: false)
        let first = try service.beginEnrolment(userID: id)
        let firstURI = try service.pendingEnrolment(userID: id, ticket: first)
        let second = try service.beginEnrolment(userID: id)
        let secondURI = try service.pendingEnrolment(userID: id, ticket: second)
        #expect(firstURI.secret != secondURI.secret)
        #expect(throws: AccountError.enrolmentSuperseded("alice")) { try service.pendingEnrolment(userID: id, ticket: first) }
        #expect(throws: AccountError.enrolmentSuperseded("alice")) {
            try service.completeEnrolment(userID: id, ticket: first, code: firstURI.totp.code(at: t), client: here, now: t)
        }
        guard case .enrolled = try service.completeEnrolment(userID: id, ticket: second, code: secondURI.totp.code(at: t), client: here, now: t) else {
            Issue.record("the latest enrolment was refused")
            return
        }
        // The earlier secret never works.
        #expect(try service.login(name: "alice", password: "correct horse", code: firstURI.totp.code(at: t + 60), client: here, now: t + 60)
                == .refused(.failed))
    }

    @Test func enrolmentStepsRefuseTheWrongState() throws {
        let (enrolled, _) = try fixture.addUser()
        let (fresh, _) = try fixture.addUser("bob", enrolled: false)
        #expect(throws: AccountError.alreadyEnrolled("alice")) { try service.beginEnrolment(userID: enrolled) }
        #expect(throws: AccountError.alreadyEnrolled("alice")) { try service.pendingEnrolment(userID: enrolled, ticket: "x") }
        #expect(throws: AccountError.alreadyEnrolled("alice")) {
            try service.completeEnrolment(userID: enrolled, ticket: "x", code: "123456", client: here, now: t)
        }
        #expect(throws: AccountError.noPendingEnrolment("bob")) { try service.completeEnrolment(userID: fresh, ticket: "x", code: "123456", client: here, now: t) }
        #expect(throws: AccountError.notEnrolled("bob")) { try service.regenerateRecoveryCodes(userID: fresh, code: "123456", client: here, now: t) }
    }

    // MARK: Throttling

    /// Wrong passwords, each at the given second after `t`, and the answer to each.
    @Test func wrongAttemptsAreDelayedFromTheFifthAndLockedAtTheTenth() throws {
        try fixture.addUser()
        let script: [(Int64, Refusal, failuresAfter: Int)] = [
            (0, .failed, 1), (0, .failed, 2), (0, .failed, 3), (0, .failed, 4),
            (0, .failed, 5),
            (1, .throttled(retryAfter: 29), 5),       // refused unchecked, not counted
            (30, .failed, 6),
            (89, .throttled(retryAfter: 1), 6),
            (90, .failed, 7),
            (210, .failed, 8),
            (450, .failed, 9),
            (929, .throttled(retryAfter: 1), 9),
            (930, .failed, 10),                       // this one locks
            (931, .locked, 10),
            (930 + 3599, .locked, 10),
            (930 + 3600, .failed, 11),                // the lock ended; the next failure locks again
            (930 + 3601, .locked, 11),
        ]
        for (offset, refusal, failuresAfter) in script {
            #expect(try service.login(name: "alice", password: "wrong horse", code: nil, client: here, now: t + offset) == .refused(refusal),
                    "at +\(offset)")
            #expect(try failures() == failuresAfter, "at +\(offset)")
        }
        #expect(fixture.events.events.contains(.locked(user: "alice", scope: .pair)))
        #expect(fixture.events.events.contains(.throttled(user: "alice", retryAfter: 29)))
    }

    @Test func aLockedAccountRefusesEvenRightCredentialsUntilUnlocked() throws {
        let (id, _) = try fixture.addUser()
        try fixture.setState(ThrottleState(failures: 10, lastFailureAt: t, lockedUntil: t + 3600), of: .account(fixture.subject("alice")))
        #expect(try service.login(name: "alice", password: "correct horse", code: fixture.code(at: t), client: here, now: t) == .refused(.locked))
        #expect(try service.verifySecondFactor(userID: id, code: fixture.code(at: t), client: here, now: t) == .refused(.locked))
        #expect(fixture.events.events.last == .refusedWhileLocked(user: "alice"))
        try service.unlock(named: "alice")
        #expect(fixture.events.events.last == .unlocked(user: "alice"))
        #expect(try service.login(name: "alice", password: "correct horse", code: fixture.code(at: t), client: here, now: t)
                == .success(AuthenticatedUser(id: id, name: "alice", sessionGeneration: 0)))
    }

    @Test func wrongCodesCountLikeWrongPasswords() throws {
        let (id, _) = try fixture.addUser()
        _ = try service.login(name: "alice", password: "wrong horse", code: nil, client: here, now: t)
        _ = try service.login(name: "alice", password: "correct horse", code: "000000", client: here, now: t)
        _ = try service.verifySecondFactor(userID: id, code: "000000", client: here, now: t)
        _ = try service.verifySecondFactor(userID: id, code: "zzzzz-zzzzz", client: here, now: t)
        #expect(try failures() == 4)
    }

    @Test func aRightPasswordAloneNeitherCountsNorResets() throws {
        try fixture.addUser()
        for _ in 0..<4 { _ = try service.login(name: "alice", password: "wrong horse", code: nil, client: here, now: t) }
        for _ in 0..<3 {
            #expect(try service.login(name: "alice", password: "correct horse", code: nil, client: here, now: t) != .refused(.failed))
            #expect(try failures() == 4)
        }
        _ = try service.login(name: "alice", password: "correct horse", code: "000000", client: here, now: t)
        #expect(try failures() == 5)
    }

    @Test func aFullSuccessResetsTheCount() throws {
        try fixture.addUser()
        for _ in 0..<4 { _ = try service.login(name: "alice", password: "wrong horse", code: nil, client: here, now: t) }
        #expect(try service.login(name: "alice", password: "correct horse", code: fixture.code(at: t), client: here, now: t) != .refused(.failed))
        #expect(try failures() == 0)
    }

    @Test func aThrottledAttemptIsNotCheckedEvenWhenRight() throws {
        try fixture.addUser()
        for _ in 0..<5 { _ = try service.login(name: "alice", password: "wrong horse", code: nil, client: here, now: t) }
        #expect(try service.login(name: "alice", password: "correct horse", code: fixture.code(at: t), client: here, now: t + 10)
                == .refused(.throttled(retryAfter: 20)))
        #expect(try service.login(name: "alice", password: "correct horse", code: fixture.code(at: t + 30), client: here, now: t + 30) != .refused(.failed))
    }

    @Test func theHundredthFailureLocksUntilUnlock() throws {
        try fixture.addUser()
        try fixture.setState(ThrottleState(failures: 99, lastFailureAt: t - 7200, lockedUntil: t - 3600),
                             of: .pair(fixture.subject("alice"), here))
        #expect(try service.login(name: "alice", password: "wrong horse", code: nil, client: here, now: t) == .refused(.failed))
        #expect(try failures() == 100)
        #expect(try service.login(name: "alice", password: "correct horse", code: nil, client: here, now: t + 100 * 86_400) == .refused(.locked))
        #expect(try failures() == 100)
        try service.unlock(named: "alice")
        #expect(try failures() == 0)
    }

    // MARK: Sessions

    @Test func logoutRevokesOneSessionAndPurgesExpiredRevocations() throws {
        let (id, _) = try fixture.addUser()
        let alice = AuthenticatedUser(id: id, name: "alice", sessionGeneration: 0)
        try service.logout(alice, sessionID: "old", expiresAt: t + 10, now: t)
        try service.logout(alice, sessionID: "s1", expiresAt: t + 3600, now: t + 20)
        #expect(try service.sessionStatus(userID: id, sessionID: "s1") == SessionStatus(generation: 0, isRevoked: true, groups: []))
        #expect(try service.sessionStatus(userID: id, sessionID: "s2") == SessionStatus(generation: 0, isRevoked: false, groups: []))
        #expect(try store.purgeRevokedSessions(expiredBy: t + 20) == 0)
        #expect(fixture.events.events.last == .loggedOut(user: "alice"))
    }

    /// Each of these ends every session of the user: the generation moves on.
    @Test(arguments: ["logout", "passwd", "reset-2fa"])
    func endsEverySession(_ operation: String) throws {
        let (id, _) = try fixture.addUser()
        switch operation {
        case "logout": try service.logoutEverywhere(named: "alice")
        case "passwd": try service.changePassword(named: "alice", to: "battery staple")
        default: try service.resetSecondFactor(named: "alice")
        }
        #expect(try service.sessionStatus(userID: id, sessionID: "s1") == SessionStatus(generation: 1, isRevoked: false, groups: []))
    }

    @Test func aNewPasswordReplacesTheOld() throws {
        try fixture.addUser()
        try service.changePassword(named: "alice", to: "battery staple")
        #expect(try service.login(name: "alice", password: "correct horse", code: nil, client: here, now: t) == .refused(.failed))
        #expect(try service.login(name: "alice", password: "battery staple", code: nil, client: here, now: t) != .refused(.failed))
        #expect(fixture.events.events.contains(.passwordChanged(user: "alice")))
    }

    @Test func afterAResetTheUserEnrolsAgain() throws {
        let (id, codes) = try fixture.addUser()
        try service.resetSecondFactor(named: "alice")
        #expect(try service.login(name: "alice", password: "correct horse", code: codes[0], client: here, now: t)
                == .needsEnrolment(AuthenticatedUser(id: id, name: "alice", sessionGeneration: 1)))
        #expect(try service.remainingRecoveryCodes(userID: id) == 0)
    }

    // MARK: Administration

    @Test func addingRefusesBadInput() throws {
        try fixture.addUser()
        #expect(throws: AccountError.duplicateName("ALICE")) {
            try service.addUser(name: "ALICE", password: "correct horse", totpSecret: nil, now: t)
        }
        #expect(throws: AccountError.emptyPassword) { try service.addUser(name: "bob", password: "", totpSecret: nil, now: t) }
        #expect(throws: AccountError.secretTooShort(bits: 120, minimum: 128)) {
            try service.addUser(name: "bob", password: "correct horse", totpSecret: [UInt8](repeating: 1, count: 15), now: t)
        }
        #expect(throws: AccountError.self) { try service.addUser(name: "b:b", password: "correct horse", totpSecret: nil, now: t) }
        #expect(try store.allUsers().map(\.name) == ["alice"])
    }

    @Test(arguments: ["delete", "passwd", "reset-2fa", "unlock", "logout"])
    func administeringAMissingUserFails(_ operation: String) throws {
        #expect(throws: AccountError.userNotFound("nobody")) {
            switch operation {
            case "delete": try service.deleteUser(named: "nobody")
            case "passwd": try service.changePassword(named: "nobody", to: "battery staple")
            case "reset-2fa": try service.resetSecondFactor(named: "nobody")
            case "unlock": try service.unlock(named: "nobody")
            default: try service.logoutEverywhere(named: "nobody")
            }
        }
    }

    @Test func deletingAUserEndsTheirSessionsAndLogins() throws {
        let (id, _) = try fixture.addUser()
        try service.deleteUser(named: "alice")
        #expect(try service.sessionStatus(userID: id, sessionID: "s1") == nil)
        #expect(try service.login(name: "alice", password: "correct horse", code: nil, client: here, now: t) == .refused(.failed))
        #expect(try service.verifySecondFactor(userID: id, code: fixture.code(at: t), client: here, now: t) == .refused(.failed))
    }

    @Test func listsUsersWithTheirState() throws {
        try fixture.addUser("alice")
        let (bob, _) = try fixture.addUser("bob", enrolled: false)
        try fixture.addUser("carol", enrolled: false)
        _ = try service.beginEnrolment(userID: bob)
        // Ten failures far enough apart to pass every delay lock carol out from this address alone.
        for index in 0..<10 {
            _ = try service.login(name: "carol", password: "wrong horse", code: nil, client: here, now: t + Int64(index) * 1000)
        }
        let users = try service.listUsers(now: t + 9010)
        #expect(users == [
            UserSummary(name: "alice", secondFactor: .enrolled(since: t), admission: .allowed, failures: 0, lockedAddresses: 0,
                        unusedRecoveryCodes: 10, groups: [], devices: 0, createdAt: t),
            UserSummary(name: "bob", secondFactor: .pending, admission: .allowed, failures: 0, lockedAddresses: 0,
                        unusedRecoveryCodes: 0, groups: [], devices: 0, createdAt: t),
            UserSummary(name: "carol", secondFactor: .none, admission: .allowed, failures: 4, lockedAddresses: 1,
                        unusedRecoveryCodes: 0, groups: [], devices: 0, createdAt: t),
        ])
    }

    @Test func oneUsersSummaryIsTheirRowOfTheList() throws {
        let (alice, _) = try fixture.addUser("alice")
        try fixture.addUser("bob", enrolled: false)
        #expect(try service.summary(userID: alice, now: t + 10) == service.listUsers(now: t + 10).first)
        #expect(try service.summary(userID: alice + 10, now: t) == nil)
        try service.deleteUser(named: "alice")
        #expect(try service.summary(userID: alice, now: t + 10) == nil)
    }

    // MARK: Secrets at rest and in the log

    @Test func theDatabaseHoldsNoPlaintextSecretAndASecretMovedToAnotherUserFailsToOpen() throws {
        let (alice, _) = try fixture.addUser("alice")
        let (bob, _) = try fixture.addUser("bob", enrolled: false)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture.directory.path("users.db"))))
            + ((try? Data(contentsOf: URL(fileURLWithPath: fixture.directory.path("users.db-wal")))).map(Array.init) ?? [])
        #expect(!contains(bytes, Fixture.secret))
        #expect(!contains(bytes, Array(Base32.encode(Fixture.secret).utf8)))
        #expect(!contains(bytes, Array("correct horse".utf8)))

        let sealed = try #require(try store.user(id: alice)?.sealedSecret)
        #expect(try store.enrol(userID: bob, sealedSecret: sealed, replacingPending: nil, lastStep: nil, recoveryCodeHashes: [], at: t) != nil)
        #expect(throws: CryptoError.self) { try service.verifySecondFactor(userID: bob, code: fixture.code(at: t), client: here, now: t) }
    }

    @Test func auditEventsCarryNoPasswordSecretOrCode() throws {
        let (id, codes) = try fixture.addUser()
        let code = try fixture.code(at: t)
        _ = try service.login(name: "alice", password: "wrong horse", code: code, client: here, now: t)
        _ = try service.login(name: "alice", password: "correct horse", code: code, client: here, now: t)
        _ = try service.login(name: "alice", password: "correct horse", code: code, client: here, now: t)
        _ = try service.verifySecondFactor(userID: id, code: codes[0], client: here, now: t)
        _ = try service.login(name: "wrong horse", password: "correct horse", code: nil, client: here, now: t)
        let log = fixture.events.events.map(\.description).joined(separator: "\n")
        #expect(fixture.events.events.count >= 7)
        for secret in ["horse", code, codes[0], Base32.encode(Fixture.secret)] {
            #expect(!log.contains(secret), "\(secret)")
        }
    }
}

/// Whether `needle` occurs in `haystack`.
func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}
