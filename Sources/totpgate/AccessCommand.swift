import App
import ArgumentParser
import SystemIO

struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Test the access rules of the config file.",
        subcommands: [Check.self]
    )
}

extension AccessCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what /auth would answer a user asking for a URL: allow, deny or step-up, and the rule that decided.",
            discussion: """
                The rules are those of --config (`access` and `default-access` lines), checked as `serve` checks them; \
                the user's groups come from the store. A rule with fresh= answers step-up unless --code-age says \
                how long ago the user's last code was entered.
                """)

        @Option(help: ArgumentHelp("The user, as signed in.", valueName: "name"))
        var user: String

        @Option(help: ArgumentHelp("The URL asked for: http(s)://HOST/PATH.", valueName: "url"))
        var url: String

        @Option(help: ArgumentHelp("How long ago the session's last code was entered, e.g. 90s or 5m (default: never).",
                                   valueName: "duration"))
        var codeAge: String?

        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard Self.target(of: url) != nil else { throw ValidationError("--url must be an absolute http:// or https:// URL") }
            if let codeAge, (try? Configuration.seconds(in: codeAge)) == nil {
                throw ValidationError("--code-age must be a duration such as 90s, 10m or 1h")
            }
        }

        func run() throws {
            let settings = try store.data.configuration().settings
            let (name, groups) = try store.accountService(creating: false).groups(named: user)
            guard let (host, uri) = Self.target(of: url) else { return }  // validate() made sure
            let now = SystemClock().now
            let codeEnteredAt = try codeAge.map { now - (try Configuration.seconds(in: $0)) }
            let verdict = settings.accessPolicy.decide(host: host, uri: uri, user: name, groups: groups,
                                                      codeEnteredAt: codeEnteredAt, now: now)
            print("\(verdict.decision.rawValue) \(verdict.origin)")
        }

        /// The host and the request URI of an absolute `http(s)` URL.
        static func target(of url: String) -> (host: String, uri: String)? {
            let lower = url.lowercased()
            guard let scheme = ["http://", "https://"].first(where: lower.hasPrefix) else { return nil }
            let rest = url.dropFirst(scheme.count)
            let pathStart = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            let host = String(rest[..<pathStart])
            guard !host.isEmpty, !host.contains("@") else { return nil }
            let uri = rest[pathStart...]
            return (host, uri.hasPrefix("/") ? String(uri) : "/" + uri)
        }
    }
}
