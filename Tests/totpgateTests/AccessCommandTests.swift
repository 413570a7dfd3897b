import Foundation
import TestSupport
import Testing

/// `totpgate access check`: the decision on a URL and the rule that made it.
struct AccessCommandTests {
    let data: TemporaryDataDirectory
    let config: String

    init() throws {
        data = try TemporaryDataDirectory()
        config = data.parent.path + "/totpgate.conf"
        try """
            data-dir = \(data.path)
            access = app.example.com/admin/ group:admins fresh=10m
            access = *.example.com/ user:carol
            default-access = deny
            """.write(toFile: config, atomically: true, encoding: .utf8)
        for (name, group) in [("bob", "admins"), ("carol", "staff")] {
            let added = try run(totpgatePath, ["user", "add", name, "--group", group, "--config", config])
            #expect(added.status == 0, "\(added.stderr)")
        }
    }

    func check(_ arguments: String...) throws -> ProcessResult {
        try run(totpgatePath, ["access", "check", "--config", config] + arguments)
    }

    @Test(arguments: [
        (["--user", "bob", "--url", "https://app.example.com/admin/x"], "step-up CONFIG:2"),
        (["--user", "bob", "--url", "https://app.example.com/admin/x", "--code-age", "5m"], "allow CONFIG:2"),
        (["--user", "BOB", "--url", "https://app.example.com/admin/x", "--code-age", "11m"], "step-up CONFIG:2"),
        (["--user", "carol", "--url", "https://app.example.com/admin/x"], "deny CONFIG:2"),
        (["--user", "carol", "--url", "http://wiki.example.com:8080/page?q=1"], "allow CONFIG:3"),
        (["--user", "bob", "--url", "https://example.org/"], "deny default-access"),
    ])
    func printsTheDecisionAndTheRule(_ arguments: [String], _ expected: String) throws {
        let result = try run(totpgatePath, ["access", "check", "--config", config] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == expected.replacingOccurrences(of: "CONFIG", with: config) + "\n")
    }

    @Test(arguments: [
        (["--user", "nobody", "--url", "https://app.example.com/"], "totpgate: no user named nobody"),
        (["--user", "bob", "--url", "app.example.com/"], "--url must be an absolute http:// or https:// URL"),
        (["--user", "bob", "--url", "https://app.example.com/", "--code-age", "soon"], "--code-age must be a duration"),
    ])
    func refusesWhatItCannotCheck(_ arguments: [String], _ message: String) throws {
        let result = try run(totpgatePath, ["access", "check", "--config", config] + arguments)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message))
    }

    @Test func aBadRuleIsOneLineNamingIt() throws {
        try "access = app.example.com/ group:\n".write(toFile: config, atomically: true, encoding: .utf8)
        let result = try check("--user", "bob", "--url", "https://app.example.com/")
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("totpgate: \(config):1: access = app.example.com/ group:"))
    }
}
