internal import CSQLite
import Glibc
import SQLRecords

// The only file of this target that touches SQLite: every `sqlite3_*` call and
// every pointer lives here, behind `Connection` and `Statement`.

/// A failed SQLite call: its extended result code and SQLite's own message.
public struct SQLiteError: Error, Equatable, CustomStringConvertible {
    /// The extended result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`, …).
    public let code: Int32
    /// What SQLite said, with the call or statement that failed.
    public let message: String

    public var description: String { "database error \(code): \(message)" }

    /// A UNIQUE constraint refused an insert or update.
    var isUniqueViolation: Bool { code == SQLITE_CONSTRAINT | (8 << 8) }  // SQLITE_CONSTRAINT_UNIQUE, a macro Swift cannot import
}

/// One result row, with typed access by column index.
struct Row: SQLRow {
    let values: [SQLValue]

    func integer(_ column: Int) throws -> Int64 {
        guard case .integer(let value) = values[column] else { throw unexpected(column, "an integer") }
        return value
    }

    func text(_ column: Int) throws -> String {
        guard case .text(let value) = values[column] else { throw unexpected(column, "text") }
        return value
    }

    func blob(_ column: Int) throws -> [UInt8] {
        guard case .blob(let value) = values[column] else { throw unexpected(column, "a blob") }
        return value
    }

    func isNull(_ column: Int) -> Bool {
        values[column] == .null
    }

    private func unexpected(_ column: Int, _ expected: String) -> SQLiteError {
        SQLiteError(code: SQLITE_MISMATCH, message: "column \(column) holds \(values[column]), not \(expected)")
    }
}

/// Throws unless `result` is `SQLITE_OK`, with the connection's message.
private func check(_ result: Int32, _ database: OpaquePointer, _ context: @autoclosure () -> String) throws {
    guard result == SQLITE_OK else { throw sqliteError(result, database, context()) }
}

private func sqliteError(_ result: Int32, _ database: OpaquePointer, _ context: String) -> SQLiteError {
    SQLiteError(code: result, message: "\(context): \(String(cString: sqlite3_errmsg(database)))")
}

/// Owns one `sqlite3` connection, set up the way every store needs it (busy
/// timeout, WAL, foreign keys), and its cache of prepared statements.
///
/// Not thread-safe (opened with `SQLITE_OPEN_NOMUTEX`): one connection
/// belongs to one thread at a time.
final class Connection {
    private let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    private let busyTimeoutMilliseconds: Int32
    /// The database file's path, and its device and inode when opened.
    let path: String
    private let fileIdentity: (device: UInt64, inode: UInt64)?

    /// Opens (creating if needed) the database file at `path`; a writer waits
    /// up to `busyTimeoutMilliseconds` for another instead of failing at once.
    init(path: String, busyTimeoutMilliseconds: Int32) throws {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let result = sqlite3_open_v2(path, &opened, flags, nil)
        guard let opened else {
            // Only an allocation failure leaves no handle to ask for a message.
            throw SQLiteError(code: result, message: "sqlite3_open_v2 \(path): \(String(cString: sqlite3_errstr(result)))")
        }
        guard result == SQLITE_OK else {
            let failure = sqliteError(result, opened, "sqlite3_open_v2 \(path)")
            sqlite3_close_v2(opened)
            throw failure
        }
        handle = opened
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.path = path
        fileIdentity = Self.identity(of: path)
        try check(sqlite3_busy_timeout(handle, busyTimeoutMilliseconds), handle, "sqlite3_busy_timeout")
        // WAL: readers never wait for the writer, and a commit is one append.
        guard try rows("PRAGMA journal_mode = WAL").first?.text(0) == "wal" else {
            throw SQLiteError(code: SQLITE_ERROR, message: "\(path): the file system does not support SQLite's WAL mode")
        }
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        statements.removeAll()  // finalize every statement first, so the close is immediate
        // sqlite3_close_v2 fails only on a misuse (a bad handle); a deinit has nobody to tell.
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that bind nothing and return nothing (DDL, PRAGMAs, BEGIN).
    func execute(_ script: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, script, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            throw SQLiteError(code: result, message: "\(script.prefix(60)): \(text)")
        }
    }

    /// Runs `sql` with `arguments` bound to its `?` parameters and returns every row.
    @discardableResult
    func rows(_ sql: String, _ arguments: any SQLBindable...) throws -> [Row] {
        try statement(sql).run(arguments.map(\.sqlValue))
    }

    /// Runs a data-changing statement; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try statement(sql).run(arguments.map(\.sqlValue))
        return Int(sqlite3_changes64(handle))
    }

    /// Whether `path` still names the file opened (not moved, deleted or replaced since).
    var isStillAtItsPath: Bool {
        guard let opened = fileIdentity, let now = Self.identity(of: path) else { return false }
        return opened == now
    }

    private static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }

    /// Runs `body` waiting at most `milliseconds` for a lock another connection
    /// holds (instead of the busy timeout the connection was opened with).
    func waitingAtMost<T>(milliseconds: Int32, _ body: () throws -> T) throws -> T {
        try check(sqlite3_busy_timeout(handle, milliseconds), handle, "sqlite3_busy_timeout")
        defer { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) }  // fails only on a misuse (a bad handle)
        return try body()
    }

    /// The row id the last successful INSERT gave its row.
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in a write transaction taken up front (`BEGIN IMMEDIATE`), so
    /// it waits for other writers under the busy timeout instead of failing
    /// with `SQLITE_BUSY` when it turns from reading to writing. Inside a
    /// transaction already, `body` simply joins it.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        if sqlite3_get_autocommit(handle) == 0 { return try body() }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // Some errors roll the transaction back by themselves; then ROLLBACK fails and changes nothing.
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func statement(_ sql: String) throws -> Statement {
        if let cached = statements[sql] { return cached }
        let prepared = try Statement(database: handle, sql: sql)
        statements[sql] = prepared
        return prepared
    }
}

/// Owns one prepared `sqlite3_stmt`, reused for every run of its SQL.
private final class Statement {
    private let handle: OpaquePointer
    /// The connection's handle, for error messages; `Connection` finalizes statements before closing it.
    private let database: OpaquePointer

    init(database: OpaquePointer, sql: String) throws {
        var prepared: OpaquePointer?
        try check(sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil),
                  database, "prepare \(sql)")
        guard let prepared else {
            // sqlite3_prepare leaves no statement only for SQL without one (blank or a comment): a bug here.
            fatalError("no statement in \(sql.debugDescription)")
        }
        handle = prepared
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }  // returns the last step's error, already reported

    /// Binds `arguments`, steps to the end and collects the rows; leaves the statement reset.
    @discardableResult
    func run(_ arguments: [SQLValue]) throws -> [Row] {
        defer {
            // Both return the last step's error, already thrown below; they cannot fail otherwise.
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (index, argument) in arguments.enumerated() {
            try bind(argument, at: Int32(index + 1))
        }
        var rows: [Row] = []
        while true {
            let result = sqlite3_step(handle)
            if result == SQLITE_DONE { return rows }
            guard result == SQLITE_ROW else { throw sqliteError(result, database, String(cString: sqlite3_sql(handle))) }
            rows.append(Row(values: try (0..<sqlite3_column_count(handle)).map(column)))
        }
    }

    private func bind(_ value: SQLValue, at index: Int32) throws {
        let result: Int32
        switch value {
        case .null:
            result = sqlite3_bind_null(handle, index)
        case .integer(let number):
            result = sqlite3_bind_int64(handle, index, number)
        case .text(let text):
            result = sqlite3_bind_text(handle, index, text, Int32(text.utf8.count), csqlite_transient())
        case .blob(let bytes) where bytes.isEmpty:
            // A null pointer would bind NULL instead of an empty blob.
            result = sqlite3_bind_zeroblob(handle, index, 0)
        case .blob(let bytes):
            result = bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), csqlite_transient()) }
        }
        try check(result, database, "bind parameter \(index)")
    }

    private func column(_ index: Int32) throws -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL:
            return .null
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_TEXT:
            // The pointer first, then the size: that order is what SQLite documents.
            let text = sqlite3_column_text(handle, index)
            let count = Int(sqlite3_column_bytes(handle, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let blob = sqlite3_column_blob(handle, index)
            let count = Int(sqlite3_column_bytes(handle, index))
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default:
            throw SQLiteError(code: SQLITE_MISMATCH, message: "column \(index) of \(String(cString: sqlite3_sql(handle))) is a float")
        }
    }
}
