import Testing
@testable import PostgreSQLStore

struct ConnectionStringTests {
    /// URIs and how they are shown: every password replaced, everything else kept.
    @Test(arguments: [
        ("postgresql://alice:s3cret@db.example.com:5432/totpgate", "postgresql://alice:***@db.example.com:5432/totpgate"),
        ("postgres://alice@db.example.com/totpgate", "postgres://alice@db.example.com/totpgate"),
        ("postgresql://alice:p%40ss@db/totpgate", "postgresql://alice:***@db/totpgate"),
        ("postgresql:///totpgate?host=/run/postgresql&password=s3cret&sslmode=require",
         "postgresql:///totpgate?host=/run/postgresql&password=***&sslmode=require"),
        ("postgresql://db/totpgate?sslpassword=keyphrase", "postgresql://db/totpgate?sslpassword=***"),
        ("postgresql://db/totpgate?pass%77ord=s3cret", "postgresql://db/totpgate?pass%77ord=***"),
        ("postgresql://", "postgresql://"),
    ])
    func showsTheURIWithoutItsPassword(_ uri: String, _ shown: String) throws {
        let target = try ConnectionString(uri)
        #expect(target.description == shown)
        #expect(target.uri == uri)
    }

    @Test(arguments: ["mysql://alice@db/totpgate", "sqlite:/var/lib/totpgate.db", "host=db dbname=totpgate", "POSTGRESQL://db/x"])
    func refusesAnotherScheme(_ uri: String) {
        #expect(throws: PostgreSQLError.self) { try ConnectionString(uri) }
        #expect(!ConnectionString.isPostgreSQL(uri))
    }

    /// URIs libpq refuses; its complaint is passed on without the password, even where it quotes it.
    @Test(arguments: [
        "postgresql://alice:s3cret@db/totpgate?no_such_parameter=1",
        "postgresql://alice:s3cret%zz@db/totpgate",
        "postgresql://alice@db/totpgate?password=s3cret%zz",
    ])
    func refusesWhatLibpqRefusesWithoutShowingThePassword(_ uri: String) throws {
        let error = try #require(throws: PostgreSQLError.self) { try ConnectionString(uri) }
        #expect(error.kind == .invalidURI)
        #expect(!error.description.contains("s3cret"))
        #expect(error.description.contains("***"))
    }

    @Test func scrubsThePasswordFromAnyMessageInEveryForm() throws {
        let target = try ConnectionString("postgresql://alice:p%40ss@db/totpgate?sslpassword=key")
        #expect(target.scrub("a p%40ss b p@ss c key") == "a *** b *** c ***")
    }
}
