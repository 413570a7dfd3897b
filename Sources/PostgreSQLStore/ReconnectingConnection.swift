import Accounts

/// The store's one connection to the server, opened again whenever the last
/// one was lost, so service resumes by itself once the server is back.
///
/// A statement that fails because the connection dropped (or could not be
/// opened) throws ``StoreError/unavailable(_:)``, and the next use opens a
/// fresh connection. A read outside a transaction is the exception: it is run
/// once more on a fresh connection at once, since running it twice changes
/// nothing — so after a server restart the first request of each worker
/// still succeeds. A write is never repeated: it may have committed before
/// the connection dropped, and replaying it could count an attempt twice.
final class ReconnectingConnection {
    private let target: ConnectionString
    private let defaults: [(String, String)]
    /// Runs on every new connection before its first use (the schema check).
    private let prepare: (Connection) throws -> Void
    private var current: Connection?
    /// How many ``transaction(_:_:)`` calls are running, nested; a transaction runs on one connection.
    private var transactionDepth = 0

    /// Connects at once when the server answers; when it does not, stays
    /// without a connection and tries again at the first use.
    init(_ target: ConnectionString, defaults: [(String, String)], prepare: @escaping (Connection) throws -> Void) throws {
        self.target = target
        self.defaults = defaults
        self.prepare = prepare
        do {
            current = try open()
        } catch let error as PostgreSQLError where error.kind == .unavailable {
            // Left for the first use, which reports it if the server is still away.
        }
    }

    /// The server process of the current connection, if there is one.
    var serverProcessID: Int32? { current?.serverProcessID }

    /// Runs a statement that changes nothing; outside a transaction, once
    /// more on a new connection if this one was lost.
    func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try reportingUnavailability {
            let connection = try live()
            do {
                return try body(connection)
            } catch let error as PostgreSQLError where error.kind == .unavailable && connection.isBroken && transactionDepth == 0 {
                return try body(try live())
            }
        }
    }

    /// Runs a statement that changes something, at most once.
    func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try reportingUnavailability { try body(try live()) }
    }

    /// Runs `body` in one transaction, or as part of the one already open
    /// (whose isolation then holds); nothing in it is repeated.
    func transaction<T>(_ isolation: Connection.Isolation = .readCommitted, _ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try body() }
        return try reportingUnavailability {
            let connection = try live()
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try connection.transaction(isolation, body)
        }
    }

    /// Runs `body`, turning a lost or impossible connection into the error
    /// every store throws for it (the outermost call does; inner ones pass it on).
    private func reportingUnavailability<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgreSQLError where error.kind == .unavailable {
            throw StoreError.unavailable("PostgreSQL \(error.message)")
        }
    }

    /// The current connection, or a new one when there is none or it was lost
    /// (but never in the middle of a transaction, which died with the old one).
    private func live() throws -> Connection {
        if let current, !current.isBroken { return current }
        guard transactionDepth == 0 else {
            throw PostgreSQLError(.unavailable, message: "\(target): the connection was lost during a transaction")
        }
        current = nil  // closes the lost one
        let opened = try open()
        current = opened
        return opened
    }

    private func open() throws -> Connection {
        // With the process's other stores: while the server is unreachable, one of them tries at a time.
        try ConnectAttempts.shared.attempt(target) {
            let connection = try Connection(target, defaults: defaults)
            try prepare(connection)
            return connection
        }
    }
}
