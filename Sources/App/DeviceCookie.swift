import Accounts
import Crypto
import Encoding
import Web

/// The remember-device cookie (`<cookie-name>-device`): a device id and the
/// user and session generation it was issued under, signed with the cookie
/// keys. The store keeps only a keyed hash of the id, so neither the cookie
/// alone (it must match the store) nor the database alone logs a browser in.
///
/// Value: `kid.payload.mac`, base64url parts; the MAC is HMAC-SHA256 over
/// `device.kid.payload`, so no session cookie's MAC can pass for one of these.
struct DeviceCookie: Sendable {
    let keys: SigningKeyRing
    let settings: Settings

    var name: String { settings.cookieName + "-device" }

    /// The verified credential the request's cookie carries, or nil.
    func credential(in request: Request) -> DeviceCredential? {
        guard let value = request.cookie(name), value.utf8.count <= 512 else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let key = keys.key(id: parts[0]), let mac = Base64URL.decode(parts[2]),
              let expected = try? Self.mac(key: key, signed: parts[0] + "." + parts[1]), ConstantTime.equal(mac, expected),
              let payload = Base64URL.decode(parts[1])
        else { return nil }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 3, let userID = Int64(fields[1]), let generation = Int64(fields[2]) else { return nil }
        return DeviceCredential(token: String(fields[0]), userID: userID, sessionGeneration: generation)
    }

    /// Sets the cookie holding `token` for `user`, living as long as the device is remembered.
    func store(token: String, for user: AuthenticatedUser, in response: inout Response, for request: Request) throws {
        let signed = keys.current.id + "." + Base64URL.encode(Array("\(token)|\(user.id)|\(user.sessionGeneration)".utf8))
        let value = signed + "." + Base64URL.encode(try Self.mac(key: keys.current, signed: signed))
        response.setCookie(settings.cookie(named: name, value: value, maxAge: Int(settings.accounts.rememberDevice), for: request))
    }

    /// Deletes the cookie in the browser.
    func clear(in response: inout Response, for request: Request) {
        response.setCookie(settings.cookie(named: name, value: "", maxAge: 0, for: request))
    }

    private static func mac(key: SigningKeyRing.Key, signed: some StringProtocol) throws -> [UInt8] {
        try HMAC.authenticationCode(algorithm: .sha256, key: key.secret, message: Array(("device." + signed).utf8))
    }
}

/// A short name for a browser, from its `User-Agent`, for the list of remembered devices.
enum BrowserName {
    /// `Firefox on Linux`, `Safari on iOS`…; the sanitised header itself when it names neither.
    static func describe(_ userAgent: String?) -> String {
        guard let userAgent, !userAgent.isEmpty else { return "unknown browser" }
        let browsers = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
                        ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl")]
        let systems = [("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("CrOS", "ChromeOS"),
                       ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux")]
        guard let browser = browsers.first(where: { userAgent.contains($0.0) })?.1 else { return userAgent }
        guard let system = systems.first(where: { userAgent.contains($0.0) })?.1 else { return browser }
        return "\(browser) on \(system)"
    }
}
