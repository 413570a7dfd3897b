import Web

extension Configuration {
    /// One setting: its name, its default as the README states it, and how its
    /// text form applies.
    public struct Key: Sendable {
        public let name: String
        /// The default, in words, for documentation.
        public let defaultValue: String
        /// Whether the key may be given more than once, each time adding a value.
        public let isRepeatable: Bool
        let apply: @Sendable (inout Configuration, String) throws(InvalidValue) -> Void

        init(_ name: String, default defaultValue: String, repeatable: Bool = false,
             _ apply: @escaping @Sendable (inout Configuration, String) throws(InvalidValue) -> Void) {
            self.name = name
            self.defaultValue = defaultValue
            self.isRepeatable = repeatable
            self.apply = apply
        }
    }

    /// Why one value was refused, in words that end the sentence "key = value: …".
    struct InvalidValue: Error {
        let reason: String
    }

    /// Every key, in the order the README documents them.
    public static let keys: [Key] = [
        Key("data-dir", default: "`$TOTPGATE_DATA_DIR`, else `./var`") { config, value throws(InvalidValue) in
            config.settings.dataDirectory = try text(value)
        },
        Key("socket", default: "none: the socket on fd 0") { config, value throws(InvalidValue) in
            config.socket = try text(value)
        },
        Key("socket-mode", default: "`660`") { config, value throws(InvalidValue) in
            config.socketMode = try octalMode(value)
        },
        Key("socket-group", default: "the responder's own group") { config, value throws(InvalidValue) in
            config.socketGroup = try text(value)
        },
        Key("listen", default: "none") { config, value throws(InvalidValue) in
            config.listen = try hostAndPort(value)
        },
        Key("threads", default: "4 per core, at least 8") { config, value throws(InvalidValue) in
            config.threads = Int(try integer(value, in: 1...256))
        },
        Key("base-path", default: "none: the root of the host") { config, value throws(InvalidValue) in
            config.settings.basePath = try basePath(value)
        },
        Key("www", default: "the built-in templates") { config, value throws(InvalidValue) in
            config.settings.templatesDirectory = try text(value) + "/templates"
        },
        Key("app-name", default: "`totpgate`") { config, value throws(InvalidValue) in
            config.settings.appName = try appName(value)
        },
        Key("logo", default: "none") { config, value throws(InvalidValue) in
            config.settings.logoPath = try logoPath(value)
        },
        Key("cookie-name", default: "`totpgate`") { config, value throws(InvalidValue) in
            config.settings.cookieName = try cookieName(value)
        },
        Key("cookie-secure", default: "`auto`: when the request came over HTTPS") { config, value throws(InvalidValue) in
            config.settings.cookieSecurity = try cookieSecurity(value)
        },
        Key("cookie-domain", default: "none: the login host only") { config, value throws(InvalidValue) in
            config.settings.cookieDomain = try cookieDomain(value)
        },
        Key("cookie-path", default: "`/`") { config, value throws(InvalidValue) in
            config.settings.cookiePath = try cookiePath(value)
        },
        Key("allowed-redirect-host", default: "none: `rd` is a local path only", repeatable: true) {
            config, value throws(InvalidValue) in
            config.settings.allowedRedirectHosts.insert(try allowedHost(value))
        },
        Key("login-url", default: "the mount point on the protected site's own host") { config, value throws(InvalidValue) in
            config.settings.loginURL = try loginURL(value)
        },
        Key("throttle-delay", default: "`30` (seconds)") { config, value throws(InvalidValue) in
            config.settings.accounts.throttle.initialDelay = try integer(value, in: 0...tenYears)
        },
        Key("lock-duration", default: "`3600` (seconds)") { config, value throws(InvalidValue) in
            config.settings.accounts.throttle.lockDuration = try integer(value, in: 1...tenYears)
        },
        Key("password-hash-threads", default: "half the cores, at least 1") { config, value throws(InvalidValue) in
            config.settings.concurrentPasswordHashes = Int(try integer(value, in: 1...64))
        },
    ]

    /// Ten years is "forever" for a lock; larger values only risk overflow.
    static let tenYears: Int64 = 10 * 366 * 86_400

    /// The key called `name`, or nil.
    public static func key(named name: String) -> Key? {
        keys.first { $0.name == name }
    }

    private static func text(_ value: String) throws(InvalidValue) -> String {
        guard !value.isEmpty else { throw InvalidValue(reason: "needs a value") }
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw InvalidValue(reason: "may not hold control characters")
        }
        return value
    }

    private static func integer(_ value: String, in range: ClosedRange<Int64>) throws(InvalidValue) -> Int64 {
        guard let number = Int64(value), range.contains(number) else {
            throw InvalidValue(reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func octalMode(_ value: String) throws(InvalidValue) -> UInt32 {
        guard let mode = UInt32(value, radix: 8), mode <= 0o777 else {
            throw InvalidValue(reason: "must be octal permissions, e.g. 660")
        }
        return mode
    }

    private static func hostAndPort(_ value: String) throws(InvalidValue) -> String {
        guard let colon = value.lastIndex(of: ":"), colon != value.startIndex,
              let port = Int(value[value.index(after: colon)...]), (1...65535).contains(port)
        else { throw InvalidValue(reason: "must be HOST:PORT, e.g. 127.0.0.1:9000") }
        return value
    }

    /// `/2fa` from `/2fa` or `/2fa/`; `""` from `/`.
    private static func basePath(_ value: String) throws(InvalidValue) -> String {
        guard value.hasPrefix("/"), !value.contains("//"),
              value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"?#%\\\"'<>".unicodeScalars.contains($0) })
        else { throw InvalidValue(reason: "must be a path such as /2fa") }
        var path = value
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }

    private static func appName(_ value: String) throws(InvalidValue) -> String {
        let name = try text(value)
        // Authenticator apps read the issuer as the label's prefix up to the first colon.
        guard !name.contains(":"), name.count <= 64 else {
            throw InvalidValue(reason: "must be at most 64 characters, without a colon")
        }
        return name
    }

    /// The pages' CSP loads images from their own origin only.
    private static func logoPath(_ value: String) throws(InvalidValue) -> String {
        guard value.hasPrefix("/"), !value.hasPrefix("//"), !value.contains("\\") else {
            throw InvalidValue(reason: "must be a path on this site, e.g. /static/logo.svg")
        }
        return try text(value)
    }

    private static func cookieName(_ value: String) throws(InvalidValue) -> String {
        guard SetCookie.isValidName(value) else { throw InvalidValue(reason: "must be letters, digits and !#$%&'*+-.^_`|~") }
        return value
    }

    private static func cookieSecurity(_ value: String) throws(InvalidValue) -> Settings.CookieSecurity {
        guard let security = Settings.CookieSecurity(rawValue: value) else {
            throw InvalidValue(reason: "must be auto, always or never")
        }
        return security
    }

    /// `example.com` from `example.com` or `.Example.com` (RFC 6265 ignores a leading dot).
    private static func cookieDomain(_ value: String) throws(InvalidValue) -> String {
        let domain = value.hasPrefix(".") ? String(value.dropFirst()) : value
        guard SetCookie.isValidDomain(domain) else { throw InvalidValue(reason: "must be a domain name such as example.com") }
        return domain.lowercased()
    }

    private static func cookiePath(_ value: String) throws(InvalidValue) -> String {
        guard SetCookie.isValidPath(value) else { throw InvalidValue(reason: "must start with / and hold no spaces or ;") }
        return value
    }

    /// An `http(s)://` URL of a host as ``allowedHost(_:)`` takes them, or a
    /// local path; without a fragment, since `rd` is added to its query.
    private static func loginURL(_ value: String) throws(InvalidValue) -> String {
        let refusal = InvalidValue(reason: "must be an https:// URL or a path, e.g. https://auth.example.com/2fa/ or /2fa/")
        let url = try text(value)
        guard !url.contains("#"), !url.contains(" "), !url.hasPrefix("//") else { throw refusal }
        if url.hasPrefix("/") { return url }
        let lower = url.lowercased()
        let rest = lower.hasPrefix("https://") ? lower.dropFirst(8) : lower.hasPrefix("http://") ? lower.dropFirst(7) : nil
        guard let rest, let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first,
              ReturnAddress.allowedHost(String(host)) != nil, rest.dropFirst(host.count).hasPrefix("/")
        else { throw refusal }
        return url
    }

    private static func allowedHost(_ value: String) throws(InvalidValue) -> String {
        guard let host = ReturnAddress.allowedHost(value) else {
            throw InvalidValue(reason: "must be a host name, with a port if not 80 or 443, e.g. app.example.com or app.example.com:8443")
        }
        return host
    }
}
