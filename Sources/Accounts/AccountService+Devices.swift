import Crypto
import Encoding
import OTP

/// What a browser's remember-device cookie says, once the web layer has
/// verified its signature: the device id it holds, and the user and session
/// generation it was issued under.
public struct DeviceCredential: Sendable, Equatable {
    /// The random device id (``AccountService/rememberDevice(_:label:now:)`` made it).
    public var token: String
    /// The user it was issued to.
    public var userID: Int64
    /// The user's session generation when it was issued; a bump ends the device.
    public var sessionGeneration: Int64

    /// A credential as the cookie carries it.
    public init(token: String, userID: Int64, sessionGeneration: Int64) {
        self.token = token
        self.userID = userID
        self.sessionGeneration = sessionGeneration
    }
}

extension DeviceRecord {
    /// A name for the device in the user's list and "forget" forms (hex of
    /// the id hash): it reveals nothing that logs in.
    public var handle: String { Self.handle(of: idHash) }

    static func handle(of idHash: [UInt8]) -> String {
        idHash.map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }.joined()
    }
}

/// Remember this device (DESIGN.md): after a right code, a browser may be
/// remembered so that later logins of its user need only the password, until
/// ``AccountConfiguration/rememberDevice`` has passed since, the user forgets
/// it, or the session generation moves on (logout everywhere, password change,
/// 2FA reset), which deletes every device of the user.
extension AccountService {
    /// Characters of a device label kept.
    static let deviceLabelLength = 100

    /// Remembers the browser of `user` (just fully logged in), labelled `label`
    /// (from its User-Agent); returns the device id for its cookie, or nil when
    /// remembering is off or the user's sessions ended meanwhile.
    public func rememberDevice(_ user: AuthenticatedUser, label: String, now: Int64) throws -> String? {
        guard configuration.rememberDevice > 0 else { return nil }
        let token = Base32.encode(try SecureRandom.bytes(count: 32))
        let device = DeviceRecord(idHash: try deviceIDHash(token), userID: user.id, label: Self.deviceLabel(label),
                                  createdAt: now, lastUsedAt: now)
        guard try store.addDevice(device, sessionGeneration: user.sessionGeneration) else { return nil }
        audit(.deviceRemembered(user: user.name))
        return token
    }

    /// Whether `credential` is a remembered device of `user` at `now`, marking it used if so.
    func isRemembered(_ credential: DeviceCredential, of user: UserRecord, now: Int64) throws -> Bool {
        guard configuration.rememberDevice > 0, credential.userID == user.id,
              credential.sessionGeneration == user.sessionGeneration,
              let device = try store.device(idHash: try deviceIDHash(credential.token)), device.userID == user.id,
              now < device.createdAt.saturatingAdding(configuration.rememberDevice)
        else { return false }
        return try store.touchDevice(idHash: device.idHash, at: now)
    }

    /// The user's remembered devices, most recently used first.
    public func devices(userID: Int64) throws -> [DeviceRecord] {
        try store.devices(userID: userID)
    }

    /// The ``DeviceRecord/handle`` of the device whose id is `token` (the browser's own), to forget it.
    public func deviceHandle(token: String) throws -> String {
        DeviceRecord.handle(of: try deviceIDHash(token))
    }

    /// Forgets the user's device with this handle; false when the user has none such.
    @discardableResult
    public func forgetDevice(_ user: AuthenticatedUser, handle: String) throws -> Bool {
        guard let device = try store.devices(userID: user.id).first(where: { $0.handle == handle }),
              try store.deleteDevice(userID: user.id, idHash: device.idHash)
        else { return false }
        audit(.deviceForgotten(user: user.name))
        return true
    }

    private func deviceIDHash(_ token: String) throws -> [UInt8] {
        try HMAC.authenticationCode(algorithm: .sha256, key: keys.deviceIDKey, message: Array(token.utf8))
    }

    /// `label` reduced to printable ASCII (other characters dropped, control
    /// characters read as spaces), runs of spaces to one, and cut to length.
    static func deviceLabel(_ label: String) -> String {
        let printable = label.unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
            guard scalar.isASCII else { return nil }
            return scalar.value > 0x20 && scalar.value < 0x7f ? scalar : " "
        }
        let words = printable.split(separator: " ").map { String(String.UnicodeScalarView($0)) }
        let cleaned = String(words.joined(separator: " ").prefix(deviceLabelLength))
        return cleaned.isEmpty ? "unknown browser" : cleaned
    }
}
