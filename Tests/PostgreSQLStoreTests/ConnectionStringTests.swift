import Testing
@testable import PostgreSQLStore

struct ConnectionStringTests {
    /// URIs and how they are shown: every password taken out, everything else kept.
    @Test(arguments: [
        ("postgresql://alice:s3cret@db.example.com:5432/totpgate?sslmode=require",
         "postgresql://alice@db.example.com:5432/totpgate?sslmode=require"),
        ("postgres://alice@db.example.com/totpgate", "postgres://alice@db.example.com/totpgate"),
        ("postgresql://alice:p%40ss@db/totpgate", "postgresql://alice@db/totpgate"),
        ("postgresql://alice:p@ss@db/totpgate", "postgresql://alice@db/totpgate"),
        ("postgresql:///totpgate?host=/run/postgresql&password=s3cret&sslmode=require",
         "postgresql:///totpgate?host=/run/postgresql&sslmode=require"),
        ("postgresql://db/totpgate?sslpassword=keyphrase", "postgresql://db/totpgate"),
        ("postgresql://db/totpgate?pass%77ord=s3cret", "postgresql://db/totpgate"),
        ("postgresql://", "postgresql://"),
    ])
    func showsTheURIWithoutItsPassword(_ uri: String, _ shown: String) throws {
        #expect(ConnectionString.redacted(uri) == shown)
        #expect(try ConnectionString(uri).description == shown)
    }

    @Test(arguments: [
        ("mysql://root:hunter2@db/totpgate", "mysql://root@db/totpgate"),
        ("postgresql://db/totpgate?PASSWORD=s3cret", "postgresql://db/totpgate"),  // which libpq refuses, but still hidden
        ("/var/lib/totpgate/totpgate.db", "/var/lib/totpgate/totpgate.db"),
        ("", ""),
    ])
    func redactsAURLOfAnyScheme(_ url: String, _ shown: String) {
        #expect(ConnectionString.redacted(url) == shown)
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
    }

    @Test func scrubsThePasswordFromAnyMessageInEveryForm() throws {
        let target = try ConnectionString("postgresql://alice:p%40ss@db/totpgate?sslpassword=key")
        #expect(target.scrub("a p%40ss b p@ss c key d") == "a *** b *** c *** d")
    }
}
