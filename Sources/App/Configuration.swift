import Foundation

/// What `totpgate serve` runs with: the application's settings and where it
/// listens. Every key (``keys``) has one name, used alike in a config file
/// (`threads = 16`) and as an option (`--threads 16`), and is checked the same
/// way wherever it comes from; options are applied after the file, so they win.
public struct Configuration: Sendable {
    public var settings = Settings()
    /// A unix socket to create. Without it, the listening socket on fd 0
    /// (spawn-fcgi, mod_fcgid), if there is one or ``listen`` is not set.
    public var socket: String?
    public var socketMode: UInt32 = 0o660
    /// The group the socket is handed to, so the web server's workers can connect.
    public var socketGroup: String?
    /// A TCP address to listen on, `HOST:PORT`: instead of the socket, or as
    /// well (Apache's mod_authnz_fcgi reaches FastCGI over TCP only).
    public var listen: String?
    /// Worker processes the master supervises.
    public var workers = Configuration.defaultWorkers
    /// Accept loops in each worker.
    public var threads = Configuration.defaultThreads
    /// How long a FastCGI connection may take to deliver its whole request.
    public var requestTimeout: Duration = .seconds(5)
    /// How long a login may wait for a password-hashing thread before it is refused (503).
    public var loginQueueTimeout: Duration = .seconds(30)
    /// How log lines are written: text for people and fail2ban, or JSON.
    public var logFormat = LogFormat.text

    /// One worker per core, and two at least, so that a worker dying or being
    /// replaced never leaves nobody to answer.
    public static let defaultWorkers = max(2, ProcessInfo.processInfo.activeProcessorCount)

    /// Enough threads that a few logins hashing passwords (tens of milliseconds
    /// each) leave others free for cheap requests such as `/auth`.
    public static let defaultThreads = max(8, 4 * ProcessInfo.processInfo.activeProcessorCount)

    /// The defaults of DESIGN.md.
    public init() {}

    /// Sets `key` from its text form, given at `origin` (`FILE:LINE`, or the
    /// option); a repeatable key gains one more value.
    public mutating func set(_ key: String, to value: String, origin: String? = nil) throws(ConfigurationError) {
        guard let entry = Self.key(named: key) else { throw .unknownKey(key) }
        do {
            try entry.apply(&self, value, origin ?? "--" + key)
        } catch {
            throw .invalidValue(key: key, value: entry.shown(value), reason: error.reason)
        }
    }

    /// Applies command-line options over what is set (the defaults and the
    /// config file): `--key value` or `--key=value` for any key. An option
    /// replaces the file's value; for a repeatable key, the file's whole list.
    public mutating func apply(options arguments: [String]) throws(ConfigurationError) {
        var assignments: [(key: Key, value: String)] = []
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--"), let key = Self.key(named: String(argument.dropFirst(2).prefix { $0 != "=" })) else {
                throw .unknownOption(argument)
            }
            if let equals = argument.firstIndex(of: "=") {
                assignments.append((key, String(argument[argument.index(after: equals)...])))
            } else if let value = remaining.popFirst() {
                assignments.append((key, value))
            } else {
                throw .missingValue(option: argument)
            }
        }
        let replaced = Set(assignments.map(\.key.name))
        for key in Self.keys where replaced.contains(key.name) { key.reset(&self) }
        for (key, value) in assignments {
            do {
                try key.apply(&self, value, "--" + key.name)
            } catch {
                throw .invalidOption(option: "--" + key.name, value: key.shown(value), reason: error.reason)
            }
        }
    }

    /// Applies the lines of a config file, `path` naming it in errors.
    ///
    /// Each line is `key = value`, spaces around either being ignored; blank
    /// lines and lines starting with `#` are skipped. A value is taken as
    /// written, to the end of the line (no quoting, no trailing comments), so
    /// it may hold `#` or spaces. A key that is not repeatable (`access`,
    /// `allowed-redirect-host`) may appear once. The first bad line stops it, with an error naming the line.
    public mutating func apply(configFile text: String, path: String) throws(ConfigurationError) {
        var firstLines: [String: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(["\r"]))
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else { throw .inFile(path: path, line: number, .malformedLine) }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let entry = Self.key(named: key), !entry.isRepeatable, let first = firstLines[key] {
                throw .inFile(path: path, line: number, .repeatedKey(key, firstLine: first))
            }
            firstLines[key] = firstLines[key] ?? number
            do {
                try set(key, to: value, origin: "\(path):\(number)")
            } catch {
                throw .inFile(path: path, line: number, error)
            }
        }
    }

    /// Reads the config file at `path` and applies it.
    public mutating func load(configFile path: String) throws(ConfigurationError) {
        try apply(configFile: Self.text(ofConfigFile: path), path: path)
    }

    /// The text of the config file at `path`.
    public static func text(ofConfigFile path: String) throws(ConfigurationError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw .unreadable(path: path, reason: exists ? "permission denied, or not a file" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadable(path: path, reason: "not UTF-8 text") }
        return text
    }
}

/// Why a configuration was refused: one line for the operator.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case unknownKey(String)
    case invalidValue(key: String, value: String, reason: String)
    case unknownOption(String)
    case missingValue(option: String)
    case invalidOption(option: String, value: String, reason: String)
    case malformedLine
    case repeatedKey(String, firstLine: Int)
    case unreadable(path: String, reason: String)
    /// `error` at a line of the file at `path`.
    indirect case inFile(path: String, line: Int, ConfigurationError)

    public var description: String {
        switch self {
        case .unknownKey(let key): "unknown key \"\(key)\" (README: Configuration lists the keys)"
        case .invalidValue(let key, let value, let reason): "\(key) = \(value): \(reason)"
        case .unknownOption(let option): "unknown option \(option) (`totpgate serve --help` lists them)"
        case .missingValue(let option): "\(option) needs a value"
        case .invalidOption(let option, let value, let reason): "\(option) \(value): \(reason)"
        case .malformedLine: "expected a line \"key = value\""
        case .repeatedKey(let key, let first): "\(key) is already set on line \(first)"
        case .unreadable(let path, let reason): "cannot read the config file \(path): \(reason)"
        case .inFile(let path, let line, let error): "\(path):\(line): \(error)"
        }
    }
}
