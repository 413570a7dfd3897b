import Foundation
import TestSupport
import Testing

/// `totpgate user …` with `--store postgresql://…`, as an admin runs it.
@Suite(.needsPostgreSQL)
struct CommandLineTests {
    let schema: TestSchema
    let data: TemporaryDirectory

    init() throws {
        schema = try TestSchema()
        data = try TemporaryDirectory()
    }

    func totpgate(_ arguments: [String], store: String, input: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try run(totpgatePath, arguments + ["--store", store, "--data-dir", data.path], input: input, environment: environment)
    }

    @Test func theServerPasswordMayComeFromPGPASSWORDAndItsAbsenceIsOneClearLine() throws {
        let added = try totpgate(["user", "add", "alice", "--password-stdin"], store: schema.url, input: "correct horse battery\n")
        #expect(added.status == 0, "\(added.stderr)")
        let password = try #require(schema.url.firstMatch(of: /:([^:@\/]+)@/)?.1)
        let withoutPassword = schema.url.replacing(/:[^:@\/]+@/, with: "@")

        let listed = try totpgate(["user", "list"], store: withoutPassword, environment: ["PGPASSWORD": String(password)])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.split(separator: "\n").dropFirst().map { $0.prefix { $0 != " " } } == ["alice"])

        let refused = try totpgate(["user", "list"], store: withoutPassword, environment: ["PGPASSWORD": ""])
        #expect(refused.status != 0)
        #expect(refused.stderr.hasPrefix("totpgate: the store is unavailable: PostgreSQL postgresql://totpgate@/totpgate"))
        #expect(refused.stderr.contains("no password supplied"))
        #expect(refused.stderr.filter { $0 == "\n" }.count == 1, "\(refused.stderr)")
    }

    @Test func anUnreachableServerIsOneLineThatNeverShowsThePassword() throws {
        // The host's keys exist (a user command makes none): the failure is the server's.
        #expect(try run(totpgatePath, ["keygen", "--data-dir", data.path]).status == 0)
        let result = try totpgate(["user", "list"], store: "postgresql://totpgate:topsecret@/totpgate?host=/nonexistent-\(UUID())")
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("totpgate: the store is unavailable: PostgreSQL postgresql://totpgate@/totpgate?host=/nonexistent-"))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("topsecret"))
    }
}
