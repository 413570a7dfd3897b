import Accounts
import Web

/// One line `access = HOST[/PATH-PREFIX] WHO [fresh=DURATION]` of the config
/// (DESIGN.md, access rules): which requests it covers, who may make them, and
/// how recent their last code must be.
public struct AccessRule: Sendable, Equatable {
    /// The hosts a rule covers.
    public enum Hosts: Sendable, Equatable {
        /// `*`: every host.
        case every
        /// `app.example.com`: that host only (lower case, no port).
        case exact(String)
        /// `*.example.com`: every host ending in `.example.com` (kept with its leading dot), not `example.com` itself.
        case below(String)
    }

    /// Who a rule lets in.
    public enum Who: Sendable, Equatable {
        /// Any fully logged-in user.
        case any
        /// Nobody.
        case deny
        /// These users (names in lower case: names are unique regardless of case) and members of these groups.
        case some(users: Set<String>, groups: Set<String>)

        /// Whether `user`, in `groups`, is let in.
        func admits(user: String, groups: [String]) -> Bool {
            switch self {
            case .any: true
            case .deny: false
            case .some(let users, let allowed): users.contains(user.lowercased()) || groups.contains(where: allowed.contains)
            }
        }
    }

    public var hosts: Hosts
    /// The start of the paths covered, `/` for all of them.
    public var pathPrefix: String
    public var who: Who
    /// Seconds within which the session's last code must have been entered; nil: any login will do.
    public var fresh: Int64?
    /// Where the rule was written, `FILE:LINE` (or the option that gave it), as `access check` names it.
    public var origin: String

    /// A rule covering `pathPrefix` on `hosts` for `who`, written at `origin`.
    public init(hosts: Hosts, pathPrefix: String = "/", who: Who, fresh: Int64? = nil, origin: String) {
        self.hosts = hosts
        self.pathPrefix = pathPrefix
        self.who = who
        self.fresh = fresh
        self.origin = origin
    }

    /// Whether the rule covers the path `path` (normalised, see ``AccessPolicy/normalisedPath(_:)``).
    /// A prefix ending in `/` also covers the path without that slash: `/admin/` covers `/admin`,
    /// which a web server commonly answers with a redirect into the directory.
    func covers(path: String) -> Bool {
        if path.hasPrefix(pathPrefix) { return true }
        return pathPrefix.count > 1 && pathPrefix.hasSuffix("/") && path == pathPrefix.dropLast()
    }
}

extension AccessRule {
    /// Parses the value of an `access` line written at `origin`, or says what is wrong with it.
    static func parse(_ text: String, origin: String) throws(Configuration.InvalidValue) -> AccessRule {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard words.count == 2 || words.count == 3 else {
            throw .init(reason: "must be HOST[/PATH-PREFIX] WHO [fresh=DURATION], e.g. app.example.com/admin/ group:admins fresh=10m")
        }
        let (hosts, pathPrefix) = try target(words[0])
        let who = try parseWho(words[1])
        var fresh: Int64?
        if words.count == 3 {
            guard words[2].hasPrefix("fresh=") else { throw .init(reason: "the third word must be fresh=DURATION, e.g. fresh=10m") }
            fresh = try DurationText.seconds(String(words[2].dropFirst(6)), allowingZero: false)
            if who == .deny { throw .init(reason: "fresh= means nothing on a rule that denies") }
        }
        return AccessRule(hosts: hosts, pathPrefix: pathPrefix, who: who, fresh: fresh, origin: origin)
    }

    /// `HOST[/PATH-PREFIX]`: `*`, `*.example.com` or `app.example.com`, then a path from its first `/`.
    private static func target(_ word: String) throws(Configuration.InvalidValue) -> (Hosts, String) {
        let slash = word.firstIndex(of: "/") ?? word.endIndex
        let host = word[..<slash].lowercased()
        let path = slash == word.endIndex ? "/" : String(word[slash...])
        guard path.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F && !"?#%\\".unicodeScalars.contains($0) }),
              let normalised = AccessPolicy.normalisedPath(path), normalised == path || normalised + "/" == path
        else { throw .init(reason: "the path \(path) must be plain, without ?, #, %, \\, // or dot segments") }
        if host == "*" { return (.every, path) }
        let name = host.hasPrefix("*.") ? String(host.dropFirst(2)) : host
        guard ReturnAddress.allowedHost(name) == name, !name.contains(":") else {
            throw .init(reason: "the host must be *, *.example.com or a host name such as app.example.com, without a port")
        }
        return (host.hasPrefix("*.") ? .below("." + name) : .exact(name), path)
    }

    /// `any`, `deny`, or a comma list of `user:NAME` and `group:NAME`; also the value of `default-access`.
    static func parseWho(_ word: String) throws(Configuration.InvalidValue) -> Who {
        switch word {
        case "any": return .any
        case "deny": return .deny
        default: break
        }
        var users: Set<String> = []
        var groups: Set<String> = []
        for item in word.split(separator: ",", omittingEmptySubsequences: false) {
            if item.hasPrefix("user:"), UserName.isValid(String(item.dropFirst(5))) {
                users.insert(item.dropFirst(5).lowercased())
            } else if item.hasPrefix("group:"), let group = try? GroupName.canonical(String(item.dropFirst(6))) {
                groups.insert(group)
            } else {
                throw .init(reason: "\(item) is not a user:NAME or group:NAME (who is any, deny, or a comma list of those)")
            }
        }
        return .some(users: users, groups: groups)
    }
}
