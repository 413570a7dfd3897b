import Accounts
import SQLiteStore
import StoreContract
import TestSupport
import Testing

/// A fresh SQLite file in a directory of its own, removed with the value.
final class SQLiteDatabase: StoreDatabase {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("totpgate.db")
    }

    func connect() throws -> any UserStore {
        try SQLiteUserStore(path: path, keys: StoreContract.keys)
    }
}

struct SQLiteStoreContractTests {
    @Test(arguments: StoreContract.cases)
    func keepsTheStoreContract(_ contract: StoreContract.Case) throws {
        try contract.check { try SQLiteDatabase() }
    }
}
