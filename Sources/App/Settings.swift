import Accounts
import Foundation
import Crypto
import Stores
import Web

/// Everything an operator can set, with the defaults of DESIGN.md.
public struct Settings: Sendable {
    /// When the session cookie gets the `Secure` attribute.
    public enum CookieSecurity: String, Sendable, CaseIterable {
        /// When the request came over HTTPS.
        case auto
        /// Always (recommended in production, behind TLS).
        case always
        /// Never (plain-HTTP development only).
        case never
    }

    /// Where the keys live, and the SQLite file unless ``store`` says otherwise.
    public var dataDirectory = "./var"
    /// Where the accounts live; nil: the SQLite file `totpgate.db` in ``dataDirectory``.
    public var store: StoreLocation?
    /// The mount point, e.g. `/2fa`; empty at the root of the host.
    public var basePath = ""
    /// The name shown in page titles and as the authenticator issuer.
    public var appName = "totpgate"
    /// An image shown beside ``appName`` on every page: a path on this site
    /// (the CSP loads images from the page's own origin only), e.g. `/static/logo.svg`.
    public var logoPath: String?
    public var cookieName = "totpgate"
    public var cookieSecurity = CookieSecurity.auto
    /// The gate needs the cookie on every path of the host; a setting narrows it.
    public var cookiePath = "/"
    public var cookieDomain: String?
    /// Hosts (with port, if any) that `rd` may name besides local paths.
    public var allowedRedirectHosts: Set<String> = []
    /// Where the FastCGI authorizer sends visitors to log in, `rd` added: an
    /// `http(s)://` URL or a path; nil for the mount point on the protected
    /// request's own host.
    public var loginURL: String?
    /// A directory of `*.mustache` files replacing the built-in templates.
    public var templatesDirectory: String?
    public var lifetimes = SessionLifetimes()
    /// TOTP parameters, issuer and throttle rule of the accounts.
    public var accounts = AccountConfiguration()
    /// scrypt cost of new password hashes (OWASP's N=2^15, r=8, p=3 by default).
    public var passwordHashing = PasswordHasher.owaspParameters
    /// Password hashes computed at once, on low-priority threads of their own:
    /// half the cores, so a burst of logins leaves the other half to the gate.
    public var concurrentPasswordHashes = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    /// Logins that may wait for a hashing thread before more get 503.
    public var waitingPasswordHashes = 4
    /// Client addresses (`REMOTE_ADDR`) that may read `/metrics`; others get 404.
    public var metricsAllow: Set<String> = ["127.0.0.1", "::1"]
    /// The `access` lines, in file order (``AccessRule``).
    public var accessRules: [AccessRule] = []
    /// Who may pass where no access rule covers a request.
    public var defaultAccess = AccessRule.Who.any
    /// Pixels per module of the enrolment QR code.
    public var qrScale = 6

    public init() {}

    /// The one way `serve` and every `user` and `store` command open the
    /// accounts: the store these settings name, with the keys of their data
    /// directory (`opened`, when the caller has it already), created on first
    /// use unless `creating` is false.
    public func accountServiceFactory(dataDirectory opened: DataDirectory? = nil, creating: Bool = true) throws
        -> AccountServiceFactory
    {
        try AccountServiceFactory(location: store, dataDirectory: opened ?? DataDirectory(path: dataDirectory, creating: creating),
                                  creating: creating)
    }

    /// The access rules, compiled: what `/auth` and `access check` decide with.
    public var accessPolicy: AccessPolicy {
        AccessPolicy(rules: accessRules, defaultAccess: defaultAccess)
    }

    /// The accounts' settings, with the issuer apps show named after the service.
    public var accountConfiguration: AccountConfiguration {
        var configuration = accounts
        configuration.issuer = appName
        return configuration
    }
}
