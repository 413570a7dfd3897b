import Testing
@testable import App

/// The access rules: their grammar, checked at start, and the one decision function.
struct AccessPolicyTests {
    /// DESIGN.md's example, plus a user rule and a path under a wildcard.
    static let file = """
        access = app.example.com/admin/  group:admins  fresh=10m
        access = *.example.com/          group:staff,user:carol
        access = wiki.example.com/       any
        access = *                       deny
        """

    static func policy(_ text: String = file, defaultAccess: String? = nil) throws -> AccessPolicy {
        var configuration = Configuration()
        try configuration.apply(configFile: text + (defaultAccess.map { "\ndefault-access = \($0)" } ?? ""), path: "t.conf")
        return configuration.settings.accessPolicy
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let host: String, uri: String, user: String, groups: [String], codeAge: Int64?
        let decision: AccessPolicy.Decision, origin: String
        var testDescription: String { "\(user)\(groups) \(host)\(uri) → \(decision) \(origin)" }
    }

    static let cases: [Case] = [
        // The first rule that covers the request decides, by line.
        Case(host: "app.example.com", uri: "/admin/users", user: "bob", groups: ["admins"], codeAge: 60, decision: .allow, origin: "t.conf:1"),
        Case(host: "app.example.com", uri: "/admin/users", user: "bob", groups: ["admins"], codeAge: 600, decision: .stepUp, origin: "t.conf:1"),
        Case(host: "app.example.com", uri: "/admin/users", user: "bob", groups: ["admins"], codeAge: nil, decision: .stepUp, origin: "t.conf:1"),
        Case(host: "app.example.com", uri: "/admin/users", user: "carol", groups: [], codeAge: 1, decision: .deny, origin: "t.conf:1"),
        // `/admin/` covers `/admin` too, and the path as nginx would serve it.
        Case(host: "app.example.com", uri: "/admin", user: "carol", groups: [], codeAge: 1, decision: .deny, origin: "t.conf:1"),
        Case(host: "app.example.com", uri: "/%61dmin/x", user: "carol", groups: [], codeAge: 1, decision: .deny, origin: "t.conf:1"),
        Case(host: "app.example.com", uri: "/public/../admin/x", user: "carol", groups: [], codeAge: 1, decision: .deny, origin: "t.conf:1"),
        Case(host: "app.example.com", uri: "//admin//x", user: "carol", groups: [], codeAge: 1, decision: .deny, origin: "t.conf:1"),
        Case(host: "app.example.com", uri: "/administrator", user: "carol", groups: [], codeAge: nil, decision: .allow, origin: "t.conf:2"),
        // Host: any case, with a port, with a trailing dot.
        Case(host: "APP.Example.com:8443", uri: "/admin/", user: "carol", groups: [], codeAge: 1, decision: .deny, origin: "t.conf:1"),
        Case(host: "app.example.com.", uri: "/x", user: "dave", groups: ["staff"], codeAge: nil, decision: .allow, origin: "t.conf:2"),
        // The wildcard covers sub-domains at any depth, not the domain itself, and matches users regardless of case.
        Case(host: "a.b.example.com", uri: "/", user: "Carol", groups: [], codeAge: nil, decision: .allow, origin: "t.conf:2"),
        Case(host: "wiki.example.com", uri: "/", user: "eve", groups: [], codeAge: nil, decision: .deny, origin: "t.conf:2"),
        Case(host: "example.com", uri: "/", user: "carol", groups: [], codeAge: nil, decision: .deny, origin: "t.conf:4"),
        Case(host: "other.org", uri: "/x?y", user: "carol", groups: ["admins"], codeAge: 1, decision: .deny, origin: "t.conf:4"),
        Case(host: "", uri: "/", user: "carol", groups: [], codeAge: nil, decision: .deny, origin: "t.conf:4"),
        // A URI that does not decode is refused.
        Case(host: "wiki.example.com", uri: "/%zz", user: "carol", groups: [], codeAge: nil, decision: .deny, origin: "a malformed request URI"),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) throws {
        let now: Int64 = 1_000_000
        let verdict = try Self.policy().decide(host: c.host, uri: c.uri, user: c.user, groups: c.groups,
                                               codeEnteredAt: c.codeAge.map { now - $0 }, now: now)
        #expect(verdict == AccessPolicy.Verdict(decision: c.decision, origin: c.origin))
    }

    @Test func noRuleAndNoDefaultLetsEveryoneIn() throws {
        let verdict = try Self.policy("").decide(host: "x", uri: "/%zz", user: "u", groups: [], codeEnteredAt: nil, now: 0)
        #expect(verdict == AccessPolicy.Verdict(decision: .allow, origin: "default-access"))
    }

    @Test(arguments: [("deny", "u", [String](), AccessPolicy.Decision.deny), ("group:ops", "u", ["ops"], .allow),
                      ("group:ops", "u", ["dev"], .deny), ("user:u", "U", [], .allow)])
    func theDefaultDecidesWhatNoRuleCovers(_ who: String, _ user: String, _ groups: [String], _ decision: AccessPolicy.Decision) throws {
        let policy = try Self.policy("access = app.example.com/ any", defaultAccess: who)
        #expect(policy.decide(host: "other", uri: "/", user: user, groups: groups, codeEnteredAt: nil, now: 0)
                == AccessPolicy.Verdict(decision: decision, origin: "default-access"))
        #expect(policy.decide(host: "app.example.com", uri: "/", user: user, groups: groups, codeEnteredAt: nil, now: 0).decision == .allow)
    }

    /// Fifty rules for other hosts before the one that decides: the tables find it.
    @Test func manyRulesStillFindTheFirstMatch() throws {
        let others = (1...50).map { "access = host\($0).example.org/ user:u\($0)" }.joined(separator: "\n")
        let policy = try Self.policy(others + "\naccess = *.example.org/private/ deny\naccess = *.example.org/ any")
        #expect(policy.decide(host: "host7.example.org", uri: "/private/x", user: "u7", groups: [], codeEnteredAt: nil, now: 0).origin == "t.conf:7")
        #expect(policy.decide(host: "host70.example.org", uri: "/private/x", user: "u7", groups: [], codeEnteredAt: nil, now: 0)
                == AccessPolicy.Verdict(decision: .deny, origin: "t.conf:51"))
        #expect(policy.decide(host: "host70.example.org", uri: "/x", user: "u7", groups: [], codeEnteredAt: nil, now: 0).origin == "t.conf:52")
    }

    /// Every bad rule stops the start with the file and line.
    @Test(arguments: [
        "access = app.example.com",
        "access = app.example.com/ anyone",
        "access = app.example.com/ user:",
        "access = app.example.com/ user:a,team:b",
        "access = app.example.com/ any fresh=",
        "access = app.example.com/ any fresh=10x",
        "access = app.example.com/ any fresh=0",
        "access = app.example.com/ any stale=10m",
        "access = app.example.com/ deny fresh=10m",
        "access = app.example.com/ any fresh=10m extra",
        "access = app.example.com:8080/ any",
        "access = app_example/ any",
        "access = **.example.com/ any",
        "access = app.example.com/a/../b/ any",
        "access = app.example.com/a%2f any",
        "access = app.example.com/a?b any",
        "default-access = nobody",
    ])
    func refusesABadRuleNamingItsLine(_ line: String) throws {
        var configuration = Configuration()
        #expect {
            try configuration.apply(configFile: "# rules\n" + line, path: "/etc/totpgate.conf")
        } throws: { error in
            guard case .inFile(let path, let number, _) = error as? ConfigurationError else { return false }
            return path == "/etc/totpgate.conf" && number == 2
        }
    }

    @Test func rulesKeepTheirOrderAndTheirLines() throws {
        var configuration = Configuration()
        try configuration.apply(configFile: "access = b.example/ any\n\naccess = a.example/x/ user:Bob fresh=90s", path: "f")
        #expect(configuration.settings.accessRules == [
            AccessRule(hosts: .exact("b.example"), pathPrefix: "/", who: .any, fresh: nil, origin: "f:1"),
            AccessRule(hosts: .exact("a.example"), pathPrefix: "/x/", who: .some(users: ["bob"], groups: []), fresh: 90, origin: "f:3"),
        ])
        try configuration.apply(options: ["--access", "*.c.example any"])
        #expect(configuration.settings.accessRules == [AccessRule(hosts: .below(".c.example"), pathPrefix: "/", who: .any, origin: "--access")])
    }

    @Test(arguments: [("90", Int64(90)), ("90s", 90), ("10m", 600), ("12h", 43_200), ("30d", 2_592_000), ("0", 0)])
    func readsDurations(_ text: String, _ seconds: Int64) throws {
        var configuration = Configuration()
        try configuration.set("remember-device", to: text)
        #expect(configuration.settings.accounts.rememberDevice == seconds)
    }

    @Test(arguments: ["", "m", "-1", "1w", "1.5h", "99999999999d"])
    func refusesBadDurations(_ text: String) {
        var configuration = Configuration()
        #expect(throws: ConfigurationError.self) { try configuration.set("remember-device", to: text) }
    }
}
