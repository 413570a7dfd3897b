#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import SystemIO

/// Why the data directory or one of its files could not be used (a failed
/// system call that needs no more words is the system's own `IOError`).
public enum DataDirectoryError: Error, Equatable, CustomStringConvertible {
    /// `path` was refused to `user`, who runs totpgate, because `culprit` (the
    /// path or the data directory `directory`) belongs to `owner`.
    case notOwner(operation: String, path: String, culprit: String, owner: String, user: String, directory: String)
    /// The data directory `path` could not be made in `parent`, which belongs to `owner`, not `user`.
    case cannotCreate(path: String, parent: String, owner: String, user: String)
    /// The data directory `path` could not be made: its parent `parent` does not exist.
    case noParent(path: String, parent: String)
    /// The path exists but is not a directory.
    case notADirectory(String)
    /// A secret file that is not a regular file.
    case notARegularFile(String)
    /// A secret file that the group or others may access.
    case unsafePermissions(path: String, mode: UInt32)
    /// A key file of the wrong length: truncated, or not ours.
    case wrongKeySize(path: String, expected: Int, found: Int)
    /// A file name with a slash, or starting with a dot (kept for temporary files).
    case invalidFileName(String)
    /// No data directory at the path, for a command that may not create one.
    case missing(String)
    /// No key file `name` in the data directory `directory`, for a command that may not create one.
    case missingKey(name: String, directory: String)

    public var description: String {
        switch self {
        case .notOwner(let operation, let path, let culprit, let owner, let user, let directory):
            "\(operation) \(path): permission denied: \(culprit == path ? "it" : culprit) is owned by \(owner), "
                + "and totpgate runs as \(user); run `chown -R \(user): \(directory)`"
        case .cannotCreate(let path, let parent, let owner, let user):
            "cannot create the data directory \(path): \(parent) is owned by \(owner), and totpgate runs as \(user); "
                + "create it for \(user): `mkdir -m 0700 \(path) && chown \(user): \(path)`"
        case .noParent(let path, let parent):
            "cannot create the data directory \(path): \(parent) does not exist; check the path, or create \(parent) first"
        case .notADirectory(let path):
            "\(path) is not a directory"
        case .notARegularFile(let path):
            "\(path) is not a regular file"
        case .unsafePermissions(let path, let mode):
            "\(path) may be read by group or others (mode \(String(mode & 0o777, radix: 8))); run chmod 600 on it"
        case .wrongKeySize(let path, let expected, let found):
            "\(path) holds \(found) bytes, not the \(expected) of a key"
        case .invalidFileName(let name):
            "invalid data file name \(name.debugDescription)"
        case .missing(let path):
            "no data directory at \(path); give the right one with --data-dir (or --config), "
                + "or create it with `totpgate user add`"
        case .missingKey(let name, let directory):
            "no \(name) in the data directory \(directory); hosts sharing a store copy it from the first host, "
                + "or `totpgate user add` creates it"
        }
    }
}

/// The directory holding the database and the keys (`--data-dir`, default
/// `./var`, or `TOTPGATE_DATA_DIR`).
///
/// The directory is created with mode 0700 on first use (its parent must
/// exist); an existing one keeps its mode. Secret files are created with mode
/// 0600 from the first byte — written to a fresh temporary file opened with
/// `O_EXCL`, then linked or renamed into place — and refused on reading when
/// the group or others may access them.
public struct DataDirectory: Sendable {
    /// The data directory used when none is given.
    public static let defaultPath = "./var"
    /// The environment variable naming the data directory.
    public static let environmentVariable = "TOTPGATE_DATA_DIR"

    /// Where the directory is.
    public let path: String

    /// Opens the data directory at `path`, creating it (mode 0700) when absent,
    /// or, when `creating` is false, throwing ``DataDirectoryError/missing(_:)``
    /// and creating nothing: for the commands that only read or change what is there.
    public init(path: String, creating: Bool = true) throws {
        if creating { try Self.createIfAbsent(path) }
        var info = stat()
        do {
            try SystemIO.systemCall("stat \(path)") { stat(path, &info) }
        } catch {
            guard error.errnoCode == ENOENT else { throw DataDirectoryError.failure("stat", path, in: path, errno: error.errnoCode) }
            throw DataDirectoryError.missing(path)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw DataDirectoryError.notADirectory(path) }
        self.path = path
    }

    /// Makes the directory `path` (mode 0700) unless it exists; an existing one keeps its mode.
    private static func createIfAbsent(_ path: String) throws {
        do {
            try SystemIO.systemCall("mkdir \(path)") { mkdir(path, 0o700) }
        } catch {
            guard error.errnoCode == EEXIST else { throw DataDirectoryError.creationFailure(path, errno: error.errnoCode) }
            return
        }
        // A strict umask may have taken the owner's bits too.
        try systemCall("chmod", path, in: path) { chmod(path, 0o700) }
    }

    /// The path of the file `name` in the directory.
    public func path(of name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// The contents of the secret file `name`, or nil when there is none.
    /// Throws for a file that the group or others may access.
    public func readSecretFile(named name: String) throws -> [UInt8]? {
        let file = try checkedPath(of: name)
        let descriptor: Int32
        do {
            descriptor = try systemCall("open", file) { open(file, O_RDONLY | O_CLOEXEC) }
        } catch let error as IOError where error.errnoCode == ENOENT {
            return nil
        }
        defer { close(descriptor) }  // read-only: closing cannot lose data
        var info = stat()
        try systemCall("fstat", file) { fstat(descriptor, &info) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw DataDirectoryError.notARegularFile(file) }
        guard info.st_mode & 0o077 == 0 else {
            throw DataDirectoryError.unsafePermissions(path: file, mode: UInt32(info.st_mode))
        }
        return try FileDescriptorIO.readAll(from: descriptor, path: file)
    }

    /// Writes `contents` to the secret file `name` (mode 0600), replacing any
    /// previous one atomically: a reader sees the old file or the new, never a part.
    public func replaceSecretFile(named name: String, with contents: [UInt8]) throws {
        let file = try checkedPath(of: name)
        let temporary = try writeTemporaryFile(for: name, contents: contents)
        do {
            try systemCall("rename", file) { rename(temporary, file) }
        } catch {
            unlink(temporary)
            throw error
        }
        try syncDirectory()
    }

    /// The secret file `name`, created (mode 0600) with `contents()` when absent.
    ///
    /// Never replaces a file: when another process creates it first, its
    /// contents win and are returned, so every worker ends up with one key.
    public func createSecretFileIfAbsent(named name: String, contents: () throws -> [UInt8]) throws -> [UInt8] {
        if let existing = try readSecretFile(named: name) { return existing }
        let file = try checkedPath(of: name)
        let created = try contents()
        let temporary = try writeTemporaryFile(for: name, contents: created)
        defer { unlink(temporary) }  // after a link the file lives on under its own name
        do {
            try systemCall("link", file) { link(temporary, file) }
        } catch let error as IOError where error.errnoCode == EEXIST {
            guard let existing = try readSecretFile(named: name) else {
                throw IOError(errnoCode: ENOENT, reason: "open \(file)")  // created and deleted meanwhile
            }
            return existing
        }
        try syncDirectory()
        return created
    }

    /// The random key of `size` bytes kept in `name`, made on first use (or,
    /// when `creating` is false, ``DataDirectoryError/missingKey(name:directory:)``);
    /// a file of another size is refused.
    public func key(named name: String, size: Int, creating: Bool = true) throws -> [UInt8] {
        let found = try creating
            ? createSecretFileIfAbsent(named: name) { try SecureRandom.bytes(count: size) } : readSecretFile(named: name)
        guard let key = found else { throw DataDirectoryError.missingKey(name: name, directory: path) }
        guard key.count == size else {
            throw DataDirectoryError.wrongKeySize(path: path(of: name), expected: size, found: key.count)
        }
        return key
    }

    /// Whether the directory holds a file (or anything else) named `name`.
    public func contains(_ name: String) throws -> Bool {
        let file = try checkedPath(of: name)
        var info = stat()
        do {
            try systemCall("stat", file) { lstat(file, &info) }
        } catch let error as IOError where error.errnoCode == ENOENT {
            return false
        }
        return true
    }

    /// Creates an empty file `name` with mode 0600 unless one exists, so that
    /// a library creating it later (SQLite) cannot give it a wider mode.
    public func createPrivateFileIfAbsent(named name: String) throws {
        let file = try checkedPath(of: name)
        do {
            let descriptor = try systemCall("create", file) { open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
            close(descriptor)  // nothing written, nothing to lose
        } catch let error as IOError where error.errnoCode == EEXIST {
            // An existing file must be usable by us too: SQLite's own error would not say why.
            try systemCall("open", file) { faccessat(AT_FDCWD, file, R_OK | W_OK, AT_EACCESS) }
        }
    }

    private func checkedPath(of name: String) throws -> String {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw DataDirectoryError.invalidFileName(name)
        }
        return path(of: name)
    }

    /// Writes `contents` to a new temporary file beside `name`, flushed to disk; returns its path.
    private func writeTemporaryFile(for name: String, contents: [UInt8]) throws -> String {
        let suffix = try SecureRandom.bytes(count: 8).map { String($0, radix: 16) }.joined()
        let temporary = path(of: ".\(name).\(suffix).tmp")
        // O_EXCL: the file is new, so the mode given here is its mode from the first byte.
        let descriptor = try systemCall("create", temporary) { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        do {
            defer { close(descriptor) }  // fsync below already reported any write error
            try FileDescriptorIO.writeAll(contents, to: descriptor, path: temporary)
            try systemCall("fsync", temporary) { fsync(descriptor) }
        } catch {
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// Flushes the directory itself, so a new name survives a crash.
    private func syncDirectory() throws {
        let descriptor = try systemCall("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(descriptor) }
        try systemCall("fsync", path) { fsync(descriptor) }
    }

    /// The system call `call`, `operation` on `file`, through the errno funnel:
    /// a refused permission names the owner and the fix.
    @discardableResult
    private func systemCall<Result: FixedWidthInteger & SignedInteger>(
        _ operation: String, _ file: String, _ call: () -> Result
    ) throws -> Result {
        try Self.systemCall(operation, file, in: path, call)
    }

    /// The system call `call`, `operation` on `file` in the data directory `directory`, through the errno funnel.
    @discardableResult
    private static func systemCall<Result: FixedWidthInteger & SignedInteger>(
        _ operation: String, _ file: String, in directory: String, _ call: () -> Result
    ) throws -> Result {
        do {
            return try SystemIO.systemCall("\(operation) \(file)", call)
        } catch {
            throw DataDirectoryError.failure(operation, file, in: directory, errno: error.errnoCode)
        }
    }
}
