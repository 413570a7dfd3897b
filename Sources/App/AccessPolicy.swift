import Encoding

/// The access rules compiled for `/auth`: one decision function, which the
/// `/auth` route, the FastCGI authorizer role and `access check` all call.
///
/// The rules are indexed once, at start, by host: an exact-host table, a table
/// of wildcard suffixes (`*.example.com` under `.example.com`) and the rules
/// for every host. A request costs a few dictionary lookups (one per dot of
/// its host) and a prefix comparison per rule of those hosts, tried in file
/// order; the first rule (lowest line) that covers the request decides.
public struct AccessPolicy: Sendable {
    /// What the rules say about a request of a fully logged-in user.
    public enum Decision: String, Sendable {
        /// Let it through.
        case allow
        /// Refuse it (`403`).
        case deny
        /// Ask for a code first (`401`, then `/verify`): the last one is older than the rule allows.
        case stepUp = "step-up"
    }

    /// A decision and where the rule that made it was written (``AccessRule/origin``, or `default-access`).
    public struct Verdict: Sendable, Equatable {
        public var decision: Decision
        public var origin: String
    }

    /// The origin named when no rule covers a request.
    public static let defaultOrigin = "default-access"

    private let rules: [AccessRule]
    private let defaultAccess: AccessRule.Who
    private let exactHosts: [String: [Int]]
    /// Keyed by the suffix with its leading dot.
    private let hostSuffixes: [String: [Int]]
    private let everyHost: [Int]

    /// The rules, in file order, and who may pass where none covers a request.
    public init(rules: [AccessRule], defaultAccess: AccessRule.Who = .any) {
        self.rules = rules
        self.defaultAccess = defaultAccess
        var exact: [String: [Int]] = [:]
        var suffixes: [String: [Int]] = [:]
        var every: [Int] = []
        for (index, rule) in rules.enumerated() {
            switch rule.hosts {
            case .every: every.append(index)
            case .exact(let host): exact[host, default: []].append(index)
            case .below(let suffix): suffixes[suffix, default: []].append(index)
            }
        }
        exactHosts = exact
        hostSuffixes = suffixes
        everyHost = every
    }

    /// Whether there are no rules at all (every request then gets ``AccessRule/Who/any``'s answer or `default-access`'s).
    public var isEmpty: Bool { rules.isEmpty }

    /// The decision on the request for `host` (a `Host` header, with or without
    /// its port) and `uri` (its `REQUEST_URI`) by `user`, a member of `groups`,
    /// whose session last took a code at `codeEnteredAt` (nil: never, as after
    /// a login by a remembered device), at `now`.
    ///
    /// The path is compared as the web server will serve it (percent-decoded,
    /// dot segments resolved, repeated slashes merged), so `/%61dmin/` or
    /// `/x/../admin/` meets the rules of `/admin/`; one that does not decode is denied.
    public func decide(host: String, uri: String, user: String, groups: [String], codeEnteredAt: Int64?, now: Int64) -> Verdict {
        guard !rules.isEmpty else { return defaultVerdict(user: user, groups: groups, codeEnteredAt: codeEnteredAt, now: now) }
        guard let path = Self.normalisedPath(uri) else { return Verdict(decision: .deny, origin: "a malformed request URI") }
        guard let rule = firstRule(host: Self.hostName(host), path: path) else {
            return defaultVerdict(user: user, groups: groups, codeEnteredAt: codeEnteredAt, now: now)
        }
        return Verdict(decision: Self.decision(rule.who, fresh: rule.fresh, user: user, groups: groups, codeEnteredAt: codeEnteredAt, now: now),
                       origin: rule.origin)
    }

    private func defaultVerdict(user: String, groups: [String], codeEnteredAt: Int64?, now: Int64) -> Verdict {
        Verdict(decision: Self.decision(defaultAccess, fresh: nil, user: user, groups: groups, codeEnteredAt: codeEnteredAt, now: now),
                origin: Self.defaultOrigin)
    }

    private static func decision(
        _ who: AccessRule.Who, fresh: Int64?, user: String, groups: [String], codeEnteredAt: Int64?, now: Int64
    ) -> Decision {
        guard who.admits(user: user, groups: groups) else { return .deny }
        if let fresh, codeEnteredAt.map({ now - $0 >= fresh }) ?? true { return .stepUp }
        return .allow
    }

    /// The first rule, in file order, covering `path` on `host`.
    private func firstRule(host: String, path: String) -> AccessRule? {
        var first = firstCovering(everyHost, path: path)
        func consider(_ candidates: [Int]?) {
            guard let candidates, let index = firstCovering(candidates, path: path) else { return }
            if first.map({ index < $0 }) ?? true { first = index }
        }
        consider(exactHosts[host])
        if !hostSuffixes.isEmpty {
            var rest = Substring(host)
            while let dot = rest.firstIndex(of: ".") {
                consider(hostSuffixes[String(rest[dot...])])
                rest = rest[rest.index(after: dot)...]
            }
        }
        return first.map { rules[$0] }
    }

    private func firstCovering(_ candidates: [Int], path: String) -> Int? {
        candidates.first { rules[$0].covers(path: path) }
    }

    /// `host` lower-cased, without a port or a trailing dot.
    static func hostName(_ host: String) -> String {
        var name = Substring(host.lowercased())
        if name.hasPrefix("[") { return String(name) }  // an IPv6 literal: no rule names one
        if let colon = name.lastIndex(of: ":") { name = name[..<colon] }
        if name.hasSuffix(".") { name = name.dropLast() }
        return String(name)
    }

    /// The path of `uri` (a `REQUEST_URI`: origin-form, or absolute-form
    /// `http://host/path`) as nginx serves it: without its query, percent-
    /// decoded, with `.` and `..` segments resolved and runs of `/` merged.
    /// Nil when it does not start with `/` or does not decode.
    static func normalisedPath(_ uri: String) -> String? {
        var target = Substring(uri)
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            target = target.dropFirst(scheme.count)
            target = target[(target.firstIndex(of: "/") ?? target.endIndex)...]
        }
        let raw = target.prefix { $0 != "?" && $0 != "#" }
        guard raw.hasPrefix("/"), let decoded = try? PercentEncoding.decode(raw), !decoded.contains("\0") else { return nil }
        var segments: [Substring] = []
        let parts = decoded.split(separator: "/", omittingEmptySubsequences: true)
        for part in parts {
            switch part {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(part)
            }
        }
        let endsInDirectory = decoded.hasSuffix("/") || parts.last == "." || parts.last == ".."
        let joined = "/" + segments.joined(separator: "/")
        return endsInDirectory && !segments.isEmpty ? joined + "/" : joined
    }
}
