import Accounts
import Testing
@testable import SQLRecords

/// A row of plain values, as a store's would hold after reading.
struct ValueRow: SQLRow {
    struct Mismatch: Error {}
    let values: [SQLValue]

    func integer(_ column: Int) throws -> Int64 {
        guard case .integer(let value) = values[column] else { throw Mismatch() }
        return value
    }

    func text(_ column: Int) throws -> String {
        guard case .text(let value) = values[column] else { throw Mismatch() }
        return value
    }

    func blob(_ column: Int) throws -> [UInt8] {
        guard case .blob(let value) = values[column] else { throw Mismatch() }
        return value
    }

    func isNull(_ column: Int) -> Bool { values[column] == .null }
}

struct StoreRowsTests {
    @Test func readsAUserInTheOrderOfItsColumns() throws {
        let row = ValueRow(values: [.integer(7), .text("alice"), .text("$scrypt$…"), .blob([1]), .null, .integer(100), .null,
                                    .integer(2), .integer(50), .text("staff,admins")])
        #expect(try UserRecord(row: row) == UserRecord(
            id: 7, name: "alice", passwordHash: "$scrypt$…", sealedSecret: [1], sealedPendingSecret: nil, enrolledAt: 100,
            lastStep: nil, sessionGeneration: 2, createdAt: 50, groups: ["admins", "staff"]))
        #expect(UserRecord.columns(groupList: "f(g.name)").split(separator: ",").count == 10)
    }

    @Test(arguments: [(SQLValue.null, [String]()), (.text("b,a,c"), ["a", "b", "c"]), (.text("admins"), ["admins"])])
    func readsGroupsSorted(_ column: SQLValue, _ groups: [String]) throws {
        #expect(try UserRecord.groups(ValueRow(values: [column]), 0) == groups)
    }

    @Test func readsAThrottleRowWithEmptyPartsAsAny() throws {
        let row = ValueRow(values: [.blob([]), .text("192.0.2.1"), .integer(3), .integer(10), .null])
        let read = try ThrottleRow(row: row)
        #expect(read.key == .address(ClientAddress("192.0.2.1")))
        #expect(read.state == ThrottleState(failures: 3, lastFailureAt: 10, lockedUntil: nil))
    }

    @Test func aColumnOfTheWrongTypeIsAnError() {
        #expect(throws: ValueRow.Mismatch.self) { try DeviceRecord(row: ValueRow(values: [.text("x"), .integer(1), .text("l"), .integer(1), .integer(1)])) }
    }

    @Test(arguments: [(Int64?.none, SQLValue.null), (5, .integer(5))])
    func bindsOptionals(_ value: Int64?, _ bound: SQLValue) {
        #expect(value.sqlValue == bound)
    }
}
