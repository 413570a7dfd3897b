import Foundation
import Testing
@testable import App
import Stores

struct ConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func parsed(_ text: String) throws(ConfigurationError) -> Configuration {
        var configuration = Configuration()
        try configuration.apply(configFile: text, path: "t.conf")
        return configuration
    }

    @Test func anEmptyFileKeepsTheDefaults() throws {
        let configuration = try parsed("# nothing\n\n   \n")
        #expect(configuration.socket == nil && configuration.listen == nil)
        #expect(configuration.socketMode == 0o660)
        #expect(configuration.threads == Configuration.defaultThreads)
        #expect(configuration.workers == max(2, ProcessInfo.processInfo.activeProcessorCount))
        #expect(configuration.requestTimeout == .seconds(5))
        #expect(configuration.settings.cookiePath == "/")
        #expect(configuration.settings.cookieSecurity == .auto)
        #expect(configuration.settings.allowedRedirectHosts.isEmpty)
    }

    @Test func everyKeySetsItsSetting() throws {
        let configuration = try parsed("""
            data-dir = /var/lib/totpgate
            store = postgresql://totpgate@db.example.com/totpgate
            socket = /run/totpgate/totpgate.sock
            socket-mode = 640
            socket-group = www-data
            workers = 4
            threads = 3
            request-timeout = 30
            base-path = /2fa/
            www = /srv/look
            app-name = Big Corp #1
            logo = /2fa/static/logo.svg
            cookie-name = __Host-gate
            cookie-secure = always
            cookie-domain = .Example.com
            cookie-path = /2fa
            allowed-redirect-host = App.example.com
            allowed-redirect-host = wiki.example.com:8443
            throttle-delay = 0
            lock-duration = 60
            """)
        #expect(configuration.settings.dataDirectory == "/var/lib/totpgate")
        #expect(configuration.settings.store == .postgreSQL(uri: "postgresql://totpgate@db.example.com/totpgate"))
        #expect(configuration.socket == "/run/totpgate/totpgate.sock")
        #expect(configuration.socketMode == 0o640)
        #expect(configuration.socketGroup == "www-data")
        #expect(configuration.workers == 4)
        #expect(configuration.threads == 3)
        #expect(configuration.requestTimeout == .seconds(30))
        #expect(configuration.settings.basePath == "/2fa")
        #expect(configuration.settings.templatesDirectory == "/srv/look/templates")
        #expect(configuration.settings.appName == "Big Corp #1")
        #expect(configuration.settings.logoPath == "/2fa/static/logo.svg")
        #expect(configuration.settings.cookieName == "__Host-gate")
        #expect(configuration.settings.cookieSecurity == .always)
        #expect(configuration.settings.cookieDomain == "example.com")
        #expect(configuration.settings.cookiePath == "/2fa")
        #expect(configuration.settings.allowedRedirectHosts == ["app.example.com", "wiki.example.com:8443"])
        #expect(configuration.settings.accounts.throttle.initialDelay == 0)
        #expect(configuration.settings.accounts.throttle.lockDuration == 60)
    }

    @Test(arguments: [
        ("listen=127.0.0.1:9000", "127.0.0.1:9000"), ("  listen   =   [::1]:9000  ", "[::1]:9000"), ("listen = a:1\r", "a:1"),
    ])
    func spacesAndCarriageReturnsAroundKeysAndValuesAreIgnored(_ line: String, _ listen: String) throws {
        #expect(try parsed(line).listen == listen)
    }

    @Test(arguments: [("base-path = /", ""), ("base-path = /a/b//", nil), ("base-path = /a/b", "/a/b")] as [(String, String?)])
    func basePaths(_ line: String, _ expected: String?) throws {
        if let expected {
            #expect(try parsed(line).settings.basePath == expected)
        } else {
            #expect(throws: ConfigurationError.self) { try parsed(line) }
        }
    }

    @Test(arguments: [
        ("thread = 3", "t.conf:1: unknown key \"thread\" (README: Configuration lists the keys)"),
        ("# ok\nthreads 3", "t.conf:2: expected a line \"key = value\""),
        ("threads = 0", "t.conf:1: threads = 0: must be a whole number from 1 to 256"),
        ("threads = many", "t.conf:1: threads = many: must be a whole number from 1 to 256"),
        ("threads = 2\n\nthreads = 3", "t.conf:3: threads is already set on line 1"),
        ("socket-mode = 999", "t.conf:1: socket-mode = 999: must be octal permissions, e.g. 660"),
        ("socket =", "t.conf:1: socket = : needs a value"),
        ("store = mysql://root:hunter2@db/totpgate",
         "t.conf:1: store = mysql://root@db/totpgate: unknown store \"mysql://root@db/totpgate\": use sqlite:PATH or postgresql://…"),
        ("store = sqlite:", "t.conf:1: store = sqlite:: sqlite: needs a file path, as in sqlite:/var/lib/totpgate/totpgate.db"),
        ("listen = 9000", "t.conf:1: listen = 9000: must be HOST:PORT, e.g. 127.0.0.1:9000"),
        ("base-path = 2fa", "t.conf:1: base-path = 2fa: must be a path such as /2fa"),
        ("app-name = a:b", "t.conf:1: app-name = a:b: must be at most 64 characters, without a colon"),
        ("cookie-secure = yes", "t.conf:1: cookie-secure = yes: must be auto, always or never"),
        ("cookie-name = a b", "t.conf:1: cookie-name = a b: must be letters, digits and !#$%&'*+-.^_`|~"),
        ("cookie-domain = https://example.com", "t.conf:1: cookie-domain = https://example.com: must be a domain name such as example.com"),
        ("cookie-path = /a;b", "t.conf:1: cookie-path = /a;b: must start with / and hold no spaces or ;"),
        ("allowed-redirect-host = *.example.com",
         "t.conf:1: allowed-redirect-host = *.example.com: must be a host name, with a port if not 80 or 443, e.g. app.example.com or app.example.com:8443"),
        ("logo = https://cdn.example.com/logo.svg", "t.conf:1: logo = https://cdn.example.com/logo.svg: must be a path on this site, e.g. /static/logo.svg"),
        ("logo = //cdn.example.com/logo.svg", "t.conf:1: logo = //cdn.example.com/logo.svg: must be a path on this site, e.g. /static/logo.svg"),
        ("throttle-delay = -1", "t.conf:1: throttle-delay = -1: must be a whole number from 0 to 316224000"),
        ("lock-duration = 0", "t.conf:1: lock-duration = 0: must be a whole number from 1 to 316224000"),
        ("lock-duration = 9223372036854775807", "t.conf:1: lock-duration = 9223372036854775807: must be a whole number from 1 to 316224000"),
    ])
    func aBadLineIsOneErrorNamingIt(_ text: String, _ message: String) {
        #expect {
            try parsed(text)
        } throws: { error in
            "\(error)" == message
        }
    }

    /// Both at once: the socket for nginx and the port for Apache's authorizer.
    @Test func aSocketAndAnAddressMayBothBeSet() throws {
        let configuration = try parsed("socket = /s\nlisten = 127.0.0.1:9000")
        #expect(configuration.socket == "/s" && configuration.listen == "127.0.0.1:9000")
    }

    @Test(arguments: [
        ("https://auth.example.com/2fa/", true), ("https://auth.example.com:8443/2fa/?via=wiki", true), ("/2fa/", true),
        ("http://localhost/login", true), ("https://auth.example.com", false), ("auth.example.com/2fa/", false),
        ("//auth.example.com/2fa/", false), ("https://user@auth.example.com/", false), ("https://auth.example.com/#x", false),
        ("javascript:alert(1)", false), ("ftp://auth.example.com/", false), ("/2fa/ x", false),
    ])
    func aLoginURLIsAnAddressForLocation(_ value: String, _ accepted: Bool) throws {
        if accepted {
            #expect(try parsed("login-url = \(value)").settings.loginURL == value)
        } else {
            #expect {
                try parsed("login-url = \(value)")
            } throws: { error in
                "\(error)".hasSuffix(": must be an https:// URL or a path, e.g. https://auth.example.com/2fa/ or /2fa/")
            }
        }
    }

    @Test func aMissingFileIsOneError() {
        var configuration = Configuration()
        #expect(throws: ConfigurationError.unreadable(path: "/no/such.conf", reason: "no such file")) {
            try configuration.load(configFile: "/no/such.conf")
        }
    }

    /// What `make install` puts in /etc/totpgate: it parses, and names every key.
    @Test func theShippedConfigFileLoadsAndShowsEveryKey() throws {
        let path = Self.repository.appendingPathComponent("deploy/totpgate.conf").path
        var configuration = Configuration()
        try configuration.load(configFile: path)
        #expect(configuration.settings.dataDirectory == "/var/lib/totpgate")
        #expect(configuration.settings.cookieSecurity == .always)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let missing = Configuration.keys.map(\.name).filter { !text.contains("\n\($0) = ") && !text.contains("\n#\($0) = ") }
        #expect(missing == [])
    }

    /// The README's table is the one the keys generate; after changing a key, regenerate it with
    /// `swift run totpgate serve --print-settings-table` and paste it over the README's.
    @Test func theReadmeTableIsTheGeneratedOne() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("\n" + Configuration.markdownTable + "\n"))
    }

    /// `--help` lists every key but data-dir (an option of its own there), each with its default.
    @Test func theOptionsHelpListsEveryKey() {
        let help = Configuration.optionsHelp(excluding: ["data-dir"])
        let missing = Configuration.keys.map(\.name).filter { !help.contains("  --\($0) <") }
        #expect(missing == ["data-dir"])
        #expect(help.split(separator: "\n").allSatisfy { $0.count <= 78 })
    }
}

struct ConfigurationOptionsTests {
    func configured(file: String = "", _ options: String...) throws(ConfigurationError) -> Configuration {
        var configuration = Configuration()
        try configuration.apply(configFile: file, path: "t.conf")
        try configuration.apply(options: options)
        return configuration
    }

    @Test func optionsTakeTheirValueAfterASpaceOrAnEqualsSign() throws {
        let configuration = try configured("--threads", "3", "--app-name=Big Corp = fine", "--base-path", "/2fa/")
        #expect(configuration.threads == 3)
        #expect(configuration.settings.appName == "Big Corp = fine")
        #expect(configuration.settings.basePath == "/2fa")
    }

    @Test func anOptionOverridesTheFileAndALaterOptionAnEarlierOne() throws {
        let configuration = try configured(file: "threads = 3\napp-name = file", "--threads", "4", "--threads", "5")
        #expect(configuration.threads == 5)
        #expect(configuration.settings.appName == "file")
    }

    @Test func repeatedOptionsReplaceTheFilesList() throws {
        let file = "allowed-redirect-host = a.example.com\nallowed-redirect-host = b.example.com"
        #expect(try configured(file: file).settings.allowedRedirectHosts == ["a.example.com", "b.example.com"])
        let configuration = try configured(file: file, "--allowed-redirect-host", "c.example.com", "--allowed-redirect-host=d.example.com")
        #expect(configuration.settings.allowedRedirectHosts == ["c.example.com", "d.example.com"])
    }

    /// The systemd unit passes `--socket`; the file's `listen` (the TCP port
    /// for Apache's authorizer) stays beside it, and `--listen` replaces only `listen`.
    @Test(arguments: [
        ("--socket", "/run/b.sock", "/run/b.sock", "127.0.0.1:9000"), ("--listen", "127.0.0.1:9001", "/run/a.sock", "127.0.0.1:9001"),
    ])
    func anEndpointOptionReplacesOnlyItsOwnKey(_ option: String, _ value: String, _ socket: String, _ listen: String) throws {
        let configuration = try configured(file: "socket = /run/a.sock\nlisten = 127.0.0.1:9000", option, value)
        #expect(configuration.socket == socket && configuration.listen == listen)
    }

    @Test(arguments: [
        (["--thread", "3"], "unknown option --thread (`totpgate serve --help` lists them)"),
        (["threads", "3"], "unknown option threads (`totpgate serve --help` lists them)"),
        (["--threads"], "--threads needs a value"),
        (["--threads", "0"], "--threads 0: must be a whole number from 1 to 256"),
        (["--threads=many"], "--threads many: must be a whole number from 1 to 256"),
        (["--cookie-secure", "yes"], "--cookie-secure yes: must be auto, always or never"),
        (["--store", "mysql://root:hunter2@db/x"],
         "--store mysql://root@db/x: unknown store \"mysql://root@db/x\": use sqlite:PATH or postgresql://…"),
    ])
    func aBadOptionIsOneErrorNamingIt(_ options: [String], _ message: String) {
        var configuration = Configuration()
        #expect {
            try configuration.apply(options: options)
        } throws: { error in
            "\(error)" == message
        }
    }
}

/// The operations settings: who may read `/metrics`, and the log format.
struct OperationsConfigurationTests {
    @Test func metricsAllowDefaultsToLoopback() {
        #expect(Configuration().settings.metricsAllow == ["127.0.0.1", "::1"])
    }

    @Test func metricsAllowTakesAddressesInTheSpellingOfRemoteAddr() throws {
        var configuration = Configuration()
        try configuration.set("metrics-allow", to: "10.0.0.5, 0:0:0:0:0:0:0:1 ,2001:DB8::1")
        #expect(configuration.settings.metricsAllow == ["10.0.0.5", "::1", "2001:db8::1"])
    }

    @Test(arguments: ["", "localhost", "10.0.0.0/8", "127.0.0.1,,", "1.2.3.4.5"])
    func metricsAllowRefusesWhatIsNoAddress(_ value: String) {
        var configuration = Configuration()
        #expect(throws: ConfigurationError.self) { try configuration.set("metrics-allow", to: value) }
        #expect(configuration.settings.metricsAllow == ["127.0.0.1", "::1"])
    }

    @Test func logFormatIsTextOrJSON() throws {
        var configuration = Configuration()
        #expect(configuration.logFormat == .text)
        try configuration.set("log-format", to: "json")
        #expect(configuration.logFormat == .json)
        #expect(throws: ConfigurationError.self) { try configuration.set("log-format", to: "xml") }
    }
}
