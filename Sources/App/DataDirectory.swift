import Foundation

/// The data directory: created 0700 on first use, its files 0600.
public struct DataDirectory: Sendable {
    public enum Error: Swift.Error, CustomStringConvertible {
        case cannotCreate(String, reason: String)
        case corrupt(String)
        case insecure(String)

        public var description: String {
            switch self {
            case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
            case .corrupt(let path): "\(path) is not in the expected format"
            case .insecure(let path): "\(path) is readable by other users; chmod 600 it"
            }
        }
    }

    public let path: String

    /// The directory at `path`, created (mode 0700) when missing.
    public init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw Error.cannotCreate(path, reason: error.localizedDescription)
            }
        } else if !isDirectory.boolValue {
            throw Error.cannotCreate(path, reason: "a file of that name exists")
        }
    }

    /// The path of `name` inside the directory.
    public func path(of name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// The text of `name`, or nil when it does not exist; refuses a file others can read.
    public func readIfPresent(_ name: String) throws -> String? {
        let file = path(of: name)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 { throw Error.insecure(file) }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw Error.corrupt(file) }
        return text
    }

    /// Replaces `name` with `contents` all at once, mode 0600 from the start.
    public func writeAtomically(_ name: String, contents: String) throws {
        let file = path(of: name)
        let temporary = file + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(contents.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw Error.cannotCreate(temporary, reason: "write failed")
        }
        guard rename(temporary, file) == 0 else {
            unlink(temporary)
            throw Error.cannotCreate(file, reason: String(cString: strerror(errno)))
        }
    }
}
