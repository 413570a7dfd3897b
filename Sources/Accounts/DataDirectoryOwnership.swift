#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemIO

extension DataDirectoryError {
    /// The error for a system call on `path`, in the data directory `directory`,
    /// that failed with `code`: the system's own (an `IOError`), unless it
    /// needs more words.
    ///
    /// A refused permission is most often a directory that root made (a `user
    /// add` run as root, a `mkdir` by hand) for a service running as its own
    /// user, so it names the owner and the `chown` that fixes it.
    static func failure(
        _ operation: String, _ path: String, in directory: String, errno code: Int32, user: uid_t = geteuid()
    ) -> any Error {
        let systemError = IOError(errnoCode: code, reason: "\(operation) \(path)")
        guard code == EACCES else { return systemError }
        for culprit in [path, directory] {
            if let owner = owner(of: culprit), owner != user {
                return DataDirectoryError.notOwner(operation: operation, path: path, culprit: culprit, owner: userName(owner),
                                                   user: userName(user), directory: directory)
            }
        }
        return systemError
    }

    /// The error for a data directory that `mkdir` could not create.
    static func creationFailure(_ path: String, errno code: Int32, user: uid_t = geteuid()) -> any Error {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let parent = trimmed.lastIndex(of: "/").map { trimmed[..<$0].isEmpty ? "/" : String(trimmed[..<$0]) } ?? "."
        if code == ENOENT { return DataDirectoryError.noParent(path: path, parent: parent) }
        guard code == EACCES, let owner = owner(of: parent), owner != user else {
            return IOError(errnoCode: code, reason: "mkdir \(path)")
        }
        return DataDirectoryError.cannotCreate(path: path, parent: parent, owner: userName(owner), user: userName(user))
    }
}

/// The user owning `path`, or nil when it cannot be seen.
private func owner(of path: String) -> uid_t? {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_uid : nil
}

/// The login name of `uid`, or its number when it has none.
private func userName(_ uid: uid_t) -> String {
    var entry = passwd()
    var found: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    let name = buffer.withUnsafeMutableBufferPointer { storage -> String? in
        // pw_name points into `storage`, so it is read before the buffer goes.
        guard let base = storage.baseAddress, getpwuid_r(uid, &entry, base, storage.count, &found) == 0, found != nil,
              let name = entry.pw_name else { return nil }
        return String(cString: name)
    }
    return name ?? String(uid)
}
