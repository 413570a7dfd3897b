internal import CPostgreSQL
import Glibc
import SQLRecords

// The only file of this target that touches libpq: every `PQ*` call and every
// pointer lives here, behind `Connection` and `Result`.

/// One result row in PostgreSQL's binary format, with typed access by column index.
struct Row: SQLRow {
    /// Each column's bytes, nil for NULL.
    let values: [[UInt8]?]

    /// A `smallint`, `integer` or `bigint` column (big-endian, 2, 4 or 8 bytes).
    func integer(_ column: Int) throws -> Int64 {
        guard let bytes = values[column], [2, 4, 8].contains(bytes.count) else { throw unexpected(column, "an integer") }
        let unsigned = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let unused = UInt64(64 - 8 * bytes.count)
        return Int64(bitPattern: unsigned << unused) >> unused  // sign-extends
    }

    func boolean(_ column: Int) throws -> Bool {
        guard let bytes = values[column], bytes.count == 1 else { throw unexpected(column, "a boolean") }
        return bytes[0] != 0
    }

    func text(_ column: Int) throws -> String {
        guard let bytes = values[column], let text = String(validating: bytes, as: UTF8.self) else { throw unexpected(column, "text") }
        return text
    }

    /// A `bytea` column.
    func blob(_ column: Int) throws -> [UInt8] {
        guard let bytes = values[column] else { throw unexpected(column, "bytes") }
        return bytes
    }

    func isNull(_ column: Int) -> Bool {
        values[column] == nil
    }

    private func unexpected(_ column: Int, _ expected: String) -> PostgreSQLError {
        let held = values[column].map { "\($0.count) bytes" } ?? "NULL"
        return PostgreSQLError(.unexpectedResult, message: "column \(column) holds \(held), not \(expected)")
    }
}

/// Owns one libpq connection (`PGconn`) and the statements prepared on it.
///
/// Blocking, and not safe to share between threads: one connection belongs to
/// one thread at a time. Once the server is gone the connection stays broken
/// (``isBroken``); the owner drops it and opens another.
final class Connection {
    private let handle: OpaquePointer
    /// Where it leads, to name in messages.
    let target: ConnectionString
    /// The server-side name of each statement prepared on this connection, by its SQL.
    private var prepared: [String: String] = [:]
    /// Given up: a query went unanswered past its limit (``ping(within:)``).
    private var isAbandoned = false

    /// Connects; `defaults` (libpq keyword → value) apply where the URI says nothing else.
    init(_ target: ConnectionString, defaults: [(String, String)]) throws {
        self.target = target
        // Keywords before `dbname` are overridden by what the expanded URI sets.
        let keywords = defaults.map(\.0) + ["dbname"]
        let values = defaults.map(\.1) + [target.uri]
        let opened = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let opened else {
            throw PostgreSQLError(.unavailable, message: "\(target): libpq could not allocate a connection")
        }
        handle = opened
        // Notices ("there is no transaction in progress", …) would go to stderr; they carry nothing we act on.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgreSQLError(.unavailable, message: "\(target): \(connectionMessage)")
        }
    }

    deinit { PQfinish(handle) }

    /// What libpq finds wrong with `conninfo` (a URI or `key=value` list), or nil when it parses.
    static func problem(parsing conninfo: String) -> String? {
        var message: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(conninfo, &message)
        defer {
            PQconninfoFree(options)  // both accept NULL
            PQfreemem(message)
        }
        guard options == nil else { return nil }
        // No options and no message: libpq ran out of memory.
        return message.map { String(cString: $0).oneLine } ?? "libpq could not parse it"
    }

    /// Whether the connection to the server is lost for good.
    var isBroken: Bool { isAbandoned || PQstatus(handle) != CONNECTION_OK }

    /// The server process serving this connection.
    var serverProcessID: Int32 { PQbackendPID(handle) }

    /// Runs `SELECT 1`, waiting at most `limit` for the answer. A server gone
    /// from the network leaves a blocking query waiting for TCP to give up
    /// (minutes); past `limit` the connection is given up instead (``isBroken``),
    /// its query still in flight, and the owner opens another.
    func ping(within limit: Duration) throws {
        guard PQsendQuery(handle, "SELECT 1") == 1 else {
            throw PostgreSQLError(.unavailable, message: "\(target): \(connectionMessage)")
        }
        let deadline = ContinuousClock.now + limit
        while PQisBusy(handle) == 1 {
            let (seconds, attoseconds) = max(.zero, ContinuousClock.now.duration(to: deadline)).components
            var socket = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            let ready = poll(&socket, 1, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else {
                isAbandoned = true
                throw PostgreSQLError(.unavailable, message: "\(target): no answer within \(limit)")
            }
            guard PQconsumeInput(handle) == 1 else {
                throw PostgreSQLError(.unavailable, message: "\(target): \(connectionMessage)")
            }
        }
        // Every result is taken before any is checked, so the connection is ready for the next query.
        var results: [Result] = []
        while let result = PQgetResult(handle) { results.append(Result(result, on: self, context: "SELECT 1")) }
        for result in results { try result.check() }
    }

    /// Runs SQL that binds nothing and returns nothing: DDL, migrations, BEGIN/COMMIT.
    /// Several statements separated by `;` run as one implicit transaction.
    func execute(_ script: String) throws {
        try Result(PQexec(handle, script), on: self, context: String(script.prefix(60))).check()
    }

    /// Runs `sql` with `arguments` bound to `$1`, `$2`, …, prepared once per
    /// connection, and returns every row (in binary: no text to parse).
    /// Integers and text are sent as text, byte strings in binary (no escaping).
    @discardableResult
    func rows(_ sql: String, _ arguments: any SQLBindable...) throws -> [Row] {
        try run(sql, arguments.map(\.sqlValue)).rows()
    }

    /// Runs a data-changing statement; returns how many rows it changed.
    @discardableResult
    func changes(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try run(sql, arguments.map(\.sqlValue)).changedRows()
    }

    /// How a transaction sees other transactions' commits.
    enum Isolation: String {
        /// Each statement sees what was committed before it started (PostgreSQL's
        /// default): the store's rules hold through conditional updates, which
        /// re-check their `WHERE` on the row a concurrent writer left, and
        /// through locking the user's row first.
        case readCommitted = "BEGIN"
        /// Every statement sees the moment of the first one, and none writes: for exports.
        case snapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    func transaction<T>(_ isolation: Isolation = .readCommitted, _ body: () throws -> T) throws -> T {
        try execute(isolation.rawValue)
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // A lost connection has no transaction left to roll back.
            if !isBroken { try? execute("ROLLBACK") }
            throw error
        }
    }

    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> Result {
        let name = try statementName(for: sql)
        return try withParameters(arguments) { values, lengths, formats in
            try Result(PQexecPrepared(handle, name, Int32(arguments.count), values, lengths, formats, 1), on: self, context: sql)
                .check()
        }
    }

    private func statementName(for sql: String) throws -> String {
        if let name = prepared[sql] { return name }
        let name = "totpgate_\(prepared.count + 1)"
        try Result(PQprepare(handle, name, sql, 0, nil), on: self, context: "prepare \(sql)").check()
        prepared[sql] = name
        return name
    }

    /// libpq's message about the connection, with any password scrubbed.
    fileprivate var connectionMessage: String {
        target.scrub(String(cString: PQerrorMessage(handle)).oneLine)
    }
}

/// Owns one `PGresult`.
private final class Result {
    private let handle: OpaquePointer?
    private unowned let connection: Connection
    private let context: String

    init(_ handle: OpaquePointer?, on connection: Connection, context: String) {
        self.handle = handle
        self.connection = connection
        self.context = context
    }

    deinit { PQclear(handle) }  // accepts NULL

    /// Throws unless the statement succeeded.
    @discardableResult
    func check() throws -> Result {
        // No result at all: out of memory, or the connection failed before an answer came.
        guard let handle else { throw failure(sqlState: nil, message: connection.connectionMessage) }
        switch PQresultStatus(handle) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return self
        default:
            let sqlState = PQresultErrorField(handle, diagnosticSQLState).map { String(cString: $0) }
            throw failure(sqlState: sqlState, message: String(cString: PQresultErrorMessage(handle)).oneLine)
        }
    }

    func rows() -> [Row] {
        guard let handle else { return [] }
        return (0..<PQntuples(handle)).map { row in
            Row(values: (0..<PQnfields(handle)).map { column in
                if PQgetisnull(handle, row, column) == 1 { return nil }
                let count = Int(PQgetlength(handle, row, column))
                return PQgetvalue(handle, row, column).withMemoryRebound(to: UInt8.self, capacity: count) {
                    Array(UnsafeBufferPointer(start: $0, count: count))
                }
            })
        }
    }

    /// The row count of an INSERT, UPDATE or DELETE.
    func changedRows() -> Int {
        Int(String(cString: PQcmdTuples(handle))) ?? 0  // "" for other commands
    }

    /// The error for a failed statement: the server's way is named when it is
    /// unavailable, the statement when the server refused it.
    private func failure(sqlState: String?, message: String) -> PostgreSQLError {
        if connection.isBroken || PostgreSQLError.meansUnavailable(sqlState) {
            return PostgreSQLError(.unavailable, sqlState: sqlState, message: "\(connection.target): \(message)")
        }
        return PostgreSQLError(.statement, sqlState: sqlState, message: "\(context): \(message)")
    }
}

/// `PG_DIAG_SQLSTATE`, a character-literal macro Swift cannot import.
private let diagnosticSQLState = Int32(UInt8(ascii: "C"))

/// Calls `body` with `strings` as a NULL-terminated C array of C strings (`const char *const *`).
private func withCStringArray<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    withPointers(to: strings.map { Array($0.utf8CString) }) { pointers in
        (pointers + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }  // never empty, so never without an address
    }
}

/// Calls `body` with the parameter arrays `PQexecPrepared` takes: values,
/// lengths (read for binary ones only) and formats (0 text, 1 binary).
private func withParameters<T>(
    _ arguments: [SQLValue],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) throws -> T
) throws -> T {
    let chunks: [[CChar]?] = arguments.map { argument in
        switch argument {
        case .null: nil
        case .integer(let number): Array(String(number).utf8CString)
        case .text(let text): Array(text.utf8CString)
        case .blob(let data): data.map { CChar(bitPattern: $0) }
        }
    }
    let binary = arguments.map { if case .blob = $0 { true } else { false } }
    let lengths = zip(chunks, binary).map { chunk, binary in binary ? Int32(chunk?.count ?? 0) : 0 }
    let formats = binary.map { Int32($0 ? 1 : 0) }
    return try withPointers(to: chunks) { values in
        try values.withUnsafeBufferPointer { values in
            try lengths.withUnsafeBufferPointer { lengths in
                try formats.withUnsafeBufferPointer { formats in
                    try body(values.baseAddress, lengths.baseAddress, formats.baseAddress)
                }
            }
        }
    }
}

/// Calls `body` with a pointer to each of `chunks` (nil for nil), all laid out in one buffer.
private func withPointers<T>(to chunks: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
    var buffer: [CChar] = [0]  // never empty, so it always has a base address
    let offsets = chunks.map { chunk in
        chunk.map { chunk in
            defer { buffer += chunk }
            return buffer.count
        }
    }
    return try buffer.withUnsafeBufferPointer { buffer in
        try body(offsets.map { offset in offset.map { buffer.baseAddress! + $0 } })
    }
}

extension String {
    /// A libpq message on one line: its lines (a hint, a `LINE 1:` excerpt
    /// and its caret) joined by spaces, without the final newline.
    fileprivate var oneLine: String {
        split(whereSeparator: \.isNewline).map { $0.trimmingPrefix(while: \.isWhitespace) }.filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}
