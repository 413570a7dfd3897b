import StoreContract
import TestSupport
import Testing

/// The contract every store keeps, against PostgreSQL: each check on
/// schemas of its own in the sandbox's database.
@Suite(.needsPostgreSQL)
struct PostgreSQLStoreContractTests {
    @Test(arguments: StoreContract.cases)
    func keepsTheStoreContract(_ contract: StoreContract.Case) throws {
        try contract.check { try TestSchema() }
    }
}
