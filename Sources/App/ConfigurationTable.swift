import Foundation
import Stores
import Web

extension Configuration {
    /// Every key of `totpgate serve`, in the order the README and `--help`
    /// list them. A new setting is one entry here (and, when no type below
    /// fits, one more type).
    public static let keys: [Key] = [
        Key("data-dir", \.settings.dataDirectory, .text("dir"), default: "`$TOTPGATE_DATA_DIR`, else `./var`",
            "directory of the database and keys, created with mode 0700; `/var/lib/totpgate` for a system install"),
        Key("store", \.settings.store, .storeLocation, default: "`sqlite:` the data directory's `totpgate.db`",
            "where the accounts live: `sqlite:PATH`, or a libpq URI `postgresql://USER@HOST/DB` (or `postgres://`; "
                + "its password, or `PGPASSWORD` or `~/.pgpass`, is never shown); also `--store` on every `user` command"),
        Key("socket", \.socket, .text("path"), default: "none: the socket on fd 0",
            "unix socket to create (`/run/totpgate/totpgate.sock` for a system install; the systemd unit passes it as an option)"),
        Key("socket-mode", \.socketMode, .octalMode, default: "`660`", "permissions of the socket, octal"),
        Key("socket-group", \.socketGroup, .text("group"), default: "the responder's own group",
            "group of the socket: the web server's (`www-data` on Debian)"),
        Key("listen", \.listen, .hostAndPort, default: "none",
            "TCP address, `HOST:PORT`: instead of the socket, or beside it (the socket set, or on fd 0) for Apache's "
                + "`mod_authnz_fcgi`, which reaches FastCGI over TCP only; keep it on loopback"),
        Key("workers", \.workers, .integer(1...64), default: "the number of cores, at least 2",
            "worker processes, 1 to 64; the master replaces any that dies (see [Processes](#processes-reload-and-stop))"),
        Key("threads", \.threads, .integer(1...256), default: "4 per core, at least 8",
            "accept loops in each worker, 1 to 256; with a socket and `listen` both, this many on each"),
        Key("request-timeout", \.requestTimeout, ValueType<Int64>.integer(1...3600, "seconds").map { .seconds($0) },
            default: "`5` (seconds)",
            "time a connection from the web server has to deliver its whole request (parameters and body), 1 to 3600; "
                + "a connection still incomplete is closed, and never holds a thread meanwhile"),
        Key("base-path", \.settings.basePath, .basePath, default: "none: the root of the host",
            "mount point, e.g. `/2fa`: links, form actions and redirects follow it"),
        Key("www", \.settings.templatesDirectory, .text("dir").map { $0 + "/templates" }, default: "the built-in templates",
            "directory holding `templates/*.mustache` to use instead"),
        Key("app-name", \.settings.appName, .appName, default: "`totpgate`",
            "name on the pages and the issuer in authenticator apps; no colon"),
        Key("logo", \.settings.logoPath, .logoPath, default: "none",
            "image beside the name on every page: a path on this site, e.g. `/static/logo.svg`"),
        Key("cookie-name", \.settings.cookieName, .cookieName, default: "`totpgate`",
            "name of the session cookie; `__Host-` goes before it whenever the cookie is `Secure`, "
                + "without `cookie-domain` and for path `/`, so that no other host can plant one"),
        Key("cookie-secure", \.settings.cookieSecurity, .choice(Settings.CookieSecurity.self),
            default: "`auto`: when the request came over HTTPS",
            "`always` (recommended behind TLS, and set in the shipped file), `auto` or `never`"),
        Key("cookie-domain", \.settings.cookieDomain, .cookieDomain, default: "none: the login host only",
            "domain the cookie is shared with, e.g. `example.com` for a login on `auth.example.com` guarding `app.example.com`"),
        Key("cookie-path", \.settings.cookiePath, .cookiePath, default: "`/`",
            "path of the cookie; the gate needs `/` to see it on every protected path"),
        Key("allowed-redirect-host", adding: \.settings.allowedRedirectHosts, .allowedHost,
            default: "none: `rd` is a local path only",
            "a host (`HOST` or `HOST:PORT`) an absolute `rd` may lead to after login; repeat the line for more"),
        Key("access", appending: \.settings.accessRules, valueName: "rule", default: "none",
            "`HOST[/PATH-PREFIX] WHO [fresh=DURATION]`: who `/auth` lets through to that host and path; repeat the line, "
                + "the first rule that covers a request decides (see [Access rules](#access-rules))", AccessRule.parse),
        Key("default-access", \.settings.defaultAccess, .who, default: "`any`",
            "who passes where no `access` rule covers a request: `any` logged-in user, `deny`, or `user:NAME`/`group:NAME` list"),
        Key("remember-device", \.settings.accounts.rememberDevice, .duration(allowingZero: true), default: "`30d`",
            "how long \"Remember this device\" spares a browser the code, e.g. `12h` or `30d`; `0` turns it off and hides the checkbox"),
        Key("login-url", \.settings.loginURL, .loginURL, default: "the mount point on the protected site's own host",
            "where the FastCGI authorizer (Apache, lighttpd) sends a visitor to log in, `rd` added: "
                + "an `https://` URL, e.g. `https://auth.example.com/2fa/`, or a path"),
        Key("throttle-delay", \.settings.accounts.throttle.initialDelay, .integer(0...tenYears, "seconds"),
            default: "`30` (seconds)", "wait after the 5th consecutive failure, doubling with each further one; at most ten years"),
        Key("lock-duration", \.settings.accounts.throttle.lockDuration, .integer(1...tenYears, "seconds"),
            default: "`3600` (seconds)",
            "lock after the 10th consecutive failure, unless `user unlock` lifts it sooner; at most ten years"),
        Key("password-hash-threads", \.settings.concurrentPasswordHashes, .integer(1...64), default: "half the cores, at least 1",
            "threads (at nice 19) in each worker hashing passwords, one scrypt each at a time; logins queue for them "
                + "apart from other requests, first come, first served"),
        Key("login-queue-timeout", \.loginQueueTimeout, ValueType<Int64>.integer(1...3600, "seconds").map { .seconds($0) },
            default: "`30` (seconds)",
            "time a login may wait for a password-hashing thread, 1 to 3600; one still waiting then gets `503` "
                + "with `Retry-After: 5`, and counts as no attempt (not throttled, not logged as a failure)"),
        Key("metrics-allow", \.settings.metricsAllow, .addressList, default: "`127.0.0.1, ::1`",
            "client addresses (as the web server passes `REMOTE_ADDR`) that may read `/metrics`, comma-separated; "
                + "any other gets `404`"),
        Key("log-format", \.logFormat, .choice(LogFormat.self), default: "`text`",
            "`text`: one line per event for people and fail2ban; `json`: one JSON object per line for a log collector "
                + "(see [Logs](#logs))"),
    ]

    /// Ten years is "forever" for a lock; larger values only risk overflow.
    static let tenYears: Int64 = 10 * 366 * 86_400
}

// The types of values, each with its check.
extension Configuration.ValueType where Value == String {
    /// Any text without control characters.
    static func text(_ valueName: String) -> Self {
        Self(valueName) { value throws(Configuration.InvalidValue) in
            guard !value.isEmpty else { throw .init(reason: "needs a value") }
            guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                throw .init(reason: "may not hold control characters")
            }
            return value
        }
    }

    static let hostAndPort = Self("host:port") { value throws(Configuration.InvalidValue) in
        guard let colon = value.lastIndex(of: ":"), colon != value.startIndex,
              let port = Int(value[value.index(after: colon)...]), (1...65535).contains(port)
        else { throw .init(reason: "must be HOST:PORT, e.g. 127.0.0.1:9000") }
        return value
    }

    /// `/2fa` from `/2fa` or `/2fa/`; `""` from `/`.
    static let basePath = Self("path") { value throws(Configuration.InvalidValue) in
        guard value.hasPrefix("/"), !value.contains("//"),
              value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"?#%\\\"'<>".unicodeScalars.contains($0) })
        else { throw .init(reason: "must be a path such as /2fa") }
        return Request.mountPoint(value)
    }

    static let appName = Self("name") { value throws(Configuration.InvalidValue) in
        let name = try text("name").parse(value)
        // Authenticator apps read the issuer as the label's prefix up to the first colon.
        guard !name.contains(":"), name.count <= 64 else {
            throw .init(reason: "must be at most 64 characters, without a colon")
        }
        return name
    }

    /// The pages' CSP loads images from their own origin only.
    static let logoPath = Self("path") { value throws(Configuration.InvalidValue) in
        guard value.hasPrefix("/"), !value.hasPrefix("//"), !value.contains("\\") else {
            throw .init(reason: "must be a path on this site, e.g. /static/logo.svg")
        }
        return try text("path").parse(value)
    }

    static let cookieName = Self("name") { value throws(Configuration.InvalidValue) in
        guard SetCookie.isValidName(value) else { throw .init(reason: "must be letters, digits and !#$%&'*+-.^_`|~") }
        return value
    }

    /// `example.com` from `example.com` or `.Example.com` (RFC 6265 ignores a leading dot).
    static let cookieDomain = Self("domain") { value throws(Configuration.InvalidValue) in
        let domain = value.hasPrefix(".") ? String(value.dropFirst()) : value
        guard SetCookie.isValidDomain(domain) else { throw .init(reason: "must be a domain name such as example.com") }
        return domain.lowercased()
    }

    static let cookiePath = Self("path") { value throws(Configuration.InvalidValue) in
        guard SetCookie.isValidPath(value) else { throw .init(reason: "must start with / and hold no spaces or ;") }
        return value
    }

    /// An `http(s)://` URL on a host as ``allowedHost`` takes them, or a local
    /// path; without a fragment, since `rd` is added to its query.
    static let loginURL = Self("url") { value throws(Configuration.InvalidValue) in
        let refusal = Configuration.InvalidValue(reason: "must be an https:// URL or a path, e.g. https://auth.example.com/2fa/ or /2fa/")
        let url = try text("url").parse(value)
        guard !url.contains("#"), !url.contains(" "), !url.hasPrefix("//") else { throw refusal }
        if url.hasPrefix("/") { return url }
        let lower = url.lowercased()
        let rest = lower.hasPrefix("https://") ? lower.dropFirst(8) : lower.hasPrefix("http://") ? lower.dropFirst(7) : nil
        guard let rest, let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first,
              ReturnAddress.allowedHost(String(host)) != nil, rest.dropFirst(host.count).hasPrefix("/")
        else { throw refusal }
        return url
    }

    static let allowedHost = Self("host") { value throws(Configuration.InvalidValue) in
        guard let host = ReturnAddress.allowedHost(value) else {
            throw .init(reason: "must be a host name, with a port if not 80 or 443, e.g. app.example.com or app.example.com:8443")
        }
        return host
    }
}

extension Configuration.ValueType where Value == Set<String> {
    /// IP addresses, comma-separated, each written as the web server writes `REMOTE_ADDR`.
    static let addressList = Self("addresses") { value throws(Configuration.InvalidValue) in
        var addresses: Set<String> = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let address = item.trimmingCharacters(in: .whitespaces)
            guard let canonical = IPAddress.canonical(address) else {
                throw .init(reason: "must be IP addresses separated by commas, e.g. 127.0.0.1, ::1 (\(address) is not one)")
            }
            addresses.insert(canonical)
        }
        guard !addresses.isEmpty else { throw .init(reason: "needs at least one address") }
        return addresses
    }
}

extension Configuration.ValueType where Value == AccessRule.Who {
    static let who = Self("who") { value throws(Configuration.InvalidValue) in try AccessRule.parseWho(value) }
}

extension Configuration.ValueType where Value == Int64 {
    /// `90s`, `10m`, `12h`, `30d`, or plain seconds.
    static func duration(allowingZero: Bool) -> Self {
        Self("duration") { value throws(Configuration.InvalidValue) in try DurationText.seconds(value, allowingZero: allowingZero) }
    }
}

extension Configuration.ValueType where Value == StoreLocation {
    /// A store URL; errors show it without its password.
    static let storeLocation = Self("url", shown: StoreLocation.redacted) { value throws(Configuration.InvalidValue) in
        do throws(StoreLocationError) {
            return try StoreLocation(value)
        } catch {
            throw .init(reason: error.description)
        }
    }
}

extension Configuration.ValueType where Value: FixedWidthInteger & Sendable {
    /// A whole number in `range`.
    static func integer(_ range: ClosedRange<Value>, _ valueName: String = "n") -> Self {
        Self(valueName) { value throws(Configuration.InvalidValue) in
            guard let number = Value(value), range.contains(number) else {
                throw .init(reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
    }
}

extension Configuration.ValueType where Value == UInt32 {
    static let octalMode = Self("mode") { value throws(Configuration.InvalidValue) in
        guard let mode = UInt32(value, radix: 8), mode <= 0o777 else { throw .init(reason: "must be octal permissions, e.g. 660") }
        return mode
    }
}

extension Configuration.ValueType where Value: RawRepresentable<String> & CaseIterable & Sendable {
    /// One of the enumeration's cases, by name.
    static func choice(_ type: Value.Type) -> Self {
        let names = Value.allCases.map(\.rawValue)
        return Self(names.joined(separator: "|")) { value throws(Configuration.InvalidValue) in
            guard let choice = Value(rawValue: value) else {
                throw .init(reason: "must be \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")")
            }
            return choice
        }
    }
}
