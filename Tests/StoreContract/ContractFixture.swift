import Accounts
import Crypto
import OTP

/// What the checks share: a time, keys, cheap password hashing.
enum ContractFixture {
    /// A Unix time the checks start from: 2023-11-14 22:13:20 UTC.
    static let now: Int64 = 1_700_000_000
    static let keys = StoreContract.keys
    /// A 160-bit secret (RFC 6238's SHA-1 seed).
    static let secret = Array("12345678901234567890".utf8)
    static let hasher = try! PasswordHasher(parameters: Scrypt(n: 16, r: 1, p: 1))
    static let password = "correct horse"

    /// A service over `store` with the fixture's keys and cheap scrypt.
    static func service(_ store: any UserStore, configuration: AccountConfiguration = AccountConfiguration()) -> AccountService {
        AccountService(store: store, keys: keys, hasher: hasher, configuration: configuration)
    }

    /// Adds `name` (password ``password``) through the service, enrolled with ``secret``; returns the id.
    @discardableResult
    static func addEnrolledUser(_ name: String, to store: any UserStore) throws -> Int64 {
        try service(store).addUser(name: name, password: password, totpSecret: secret, now: now)
        return try store.user(named: name)!.id
    }

    /// Inserts a bare user straight into the store; returns the id.
    static func insertUser(_ name: String, into store: any UserStore) throws -> Int64 {
        try store.insertUser(name: name, passwordHash: "$scrypt$test", createdAt: now)
    }

    /// A device of `userID` whose id hash is `byte` repeated.
    static func device(_ byte: UInt8, of userID: Int64, createdAt: Int64 = now) -> DeviceRecord {
        DeviceRecord(idHash: [UInt8](repeating: byte, count: 32), userID: userID, label: "Firefox on Linux",
                     createdAt: createdAt, lastUsedAt: createdAt)
    }

    /// A throttle subject whose bytes are `byte` repeated.
    static func subject(_ byte: UInt8) -> ThrottleSubject {
        ThrottleSubject(bytes: [UInt8](repeating: byte, count: 32))
    }

    static func state(_ failures: Int, lockedUntil: Int64? = nil) -> ThrottleState {
        ThrottleState(failures: failures, lastFailureAt: now, lockedUntil: lockedUntil)
    }
}

extension StoreSnapshot {
    /// The rows in one order, so snapshots from different stores compare equal.
    public var sorted: StoreSnapshot {
        var copy = self
        copy.users.sort { $0.id < $1.id }
        copy.recoveryCodes.sort { $0.userID != $1.userID ? $0.userID < $1.userID : $0.hash.lexicographicallyPrecedes($1.hash) }
        copy.revokedSessions.sort { $0.sessionID < $1.sessionID }
        copy.throttleRows.sort {
            $0.key.subjectBytes != $1.key.subjectBytes
                ? $0.key.subjectBytes.lexicographicallyPrecedes($1.key.subjectBytes) : $0.key.storedAddress < $1.key.storedAddress
        }
        copy.devices.sort { $0.idHash.lexicographicallyPrecedes($1.idHash) }
        return copy
    }
}
