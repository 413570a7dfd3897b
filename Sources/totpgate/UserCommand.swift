import Accounts
import ArgumentParser
import Encoding
import Foundation
import OTP
import SystemIO

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users: add, list, delete, change passwords, reset 2FA, unlock, end sessions, groups.",
        subcommands: [Add.self, List.self, Delete.self, Passwd.self, Reset2FA.self, Unlock.self, Logout.self, Groups.self]
    )
}

/// The user a command acts on (checked against the name rules) and the store holding them.
struct UserTarget: ParsableArguments {
    @Argument(help: "The user name: 1–64 of A–Z a–z 0–9 . _ - @ +, any case, unique ignoring case.")
    var name: String

    @OptionGroup var store: StoreOptions

    func validate() throws {
        do { try UserName.validate(name) } catch { throw ValidationError("\(error)") }
    }

    /// The account service over the existing store: only `user add` creates one.
    func accountService(creating: Bool = false) throws -> AccountService {
        try store.accountService(creating: creating)
    }
}

/// `--password-stdin`: a new password given, or one generated and printed once.
struct NewPassword: ParsableArguments {
    @Flag(help: "Read the password from standard input (at a terminal: asked twice, not shown) instead of generating one.")
    var passwordStdin = false

    /// The password given, or a generated one (`generated` true: print it).
    func read() throws -> (password: String, generated: Bool) {
        passwordStdin ? (try readNewPassword(), false) : (try PasswordRules.generate(), true)
    }
}

extension UserCommand {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; without --password-stdin a strong password is generated and printed once.")

        @OptionGroup var user: UserTarget

        @OptionGroup var newPassword: NewPassword

        @Option(help: ArgumentHelp(
            "Enrol two-factor authentication with this base32 TOTP secret (at least 128 bits); `ps` shows it to every user: "
                + "prefer --totp-secret-file or --totp-secret-stdin.", valueName: "base32"))
        var totpSecret: String?

        @Option(name: .customLong("totp-secret-file"), help: ArgumentHelp("Enrol with the base32 secret in this file.",
                                                                         valueName: "file"))
        var totpSecretFile: String?

        @Flag(name: .customLong("totp-secret-stdin"), help: "Enrol with the base32 secret read from standard input.")
        var totpSecretStandardInput = false

        @Option(name: .customLong("group"), help: ArgumentHelp("A group of the user, for access rules; repeat for more.",
                                                               valueName: "group"))
        var groups: [String] = []

        var secretSource: SecretSource {
            SecretSource(option: "--totp-secret", value: totpSecret, file: totpSecretFile, standardInput: totpSecretStandardInput)
        }

        func validate() throws {
            if newPassword.passwordStdin && totpSecretStandardInput {
                throw ValidationError("the password and the secret cannot both come on standard input; give the secret with --totp-secret-file")
            }
            try secretSource.validate(required: false)
        }

        func run() throws {
            let secret = try secretSource.bytes()
            if let secret, secret.count * 8 < SecretGenerator.minimumBits {
                throw ValidationError("--totp-secret: \(AccountError.secretTooShort(bits: secret.count * 8, minimum: SecretGenerator.minimumBits))")
            }
            let (password, generated) = try newPassword.read()
            let recoveryCodes = try user.accountService(creating: true).addUser(
                name: user.name, password: password, totpSecret: secret, groups: groups, now: SystemClock().now)
            print("user \(user.name) added")
            if generated { print("password: \(password)") }
            if secret == nil {
                print("two-factor: not enrolled; \(user.name) enrols at the first login on the web page, by scanning the QR code shown there")
            } else {
                print("two-factor: enrolled; recovery codes, shown this once (each works once in place of a code):")
                for code in recoveryCodes { print("recovery code: \(code)") }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users with their two-factor and lock state.")

        @OptionGroup var store: StoreOptions

        func run() throws {
            let now = SystemClock().now
            let users = try store.accountService(creating: false).listUsers(now: now)
            guard !users.isEmpty else {
                print("no users")
                return
            }
            let rows = users.map { user in
                [user.name, user.secondFactor.label, user.stateLabel, "\(user.failures)", "\(user.unusedRecoveryCodes)",
                 user.groups.isEmpty ? "-" : user.groups.joined(separator: ","), "\(user.devices)",
                 Date(timeIntervalSince1970: TimeInterval(user.createdAt)).formatted(.iso8601)]
            }
            printTable(header: ["NAME", "2FA", "STATE", "FAILURES", "RECOVERY CODES", "GROUPS", "DEVICES", "CREATED"], rows: rows)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user, ending every session.")

        @OptionGroup var user: UserTarget

        func run() throws {
            try user.accountService().deleteUser(named: user.name)
            print("user \(user.name) deleted")
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password, ending every session; without --password-stdin a strong one is generated and printed once.")

        @OptionGroup var user: UserTarget

        @OptionGroup var newPassword: NewPassword

        func run() throws {
            let service = try user.accountService()
            let (password, generated) = try newPassword.read()
            try service.changePassword(named: user.name, to: password)
            print("password of \(user.name) changed; every session ended")
            if generated { print("password: \(password)") }
        }
    }

    struct Reset2FA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-2fa",
            abstract: "Remove a user's two-factor authentication and recovery codes; they enrol again at the next login.")

        @OptionGroup var user: UserTarget

        func run() throws {
            try user.accountService().resetSecondFactor(named: user.name)
            print("two-factor authentication of \(user.name) removed; every session ended")
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a lock and clear the failure count.")

        @OptionGroup var user: UserTarget

        func run() throws {
            try user.accountService().unlock(named: user.name)
            print("user \(user.name) unlocked")
        }
    }

    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End every session of a user.")

        @OptionGroup var user: UserTarget

        func run() throws {
            try user.accountService().logoutEverywhere(named: user.name)
            print("every session of \(user.name) ended")
        }
    }
}

extension UserCommand {
    struct Groups: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a user's groups, adding and removing some first.",
            discussion: "Group names follow the rules of user names and are kept in lower case.")

        @OptionGroup var user: UserTarget

        @Option(name: .customLong("add"), help: ArgumentHelp("A group to add the user to; repeat for more.", valueName: "group"))
        var adding: [String] = []

        @Option(name: .customLong("remove"), help: ArgumentHelp("A group to take the user out of; repeat for more.",
                                                                valueName: "group"))
        var removing: [String] = []

        func run() throws {
            let groups = try user.accountService().changeGroups(named: user.name, adding: adding, removing: removing)
            print("groups of \(user.name): \(groups.isEmpty ? "none" : groups.joined(separator: ", "))")
        }
    }
}

extension UserSummary.SecondFactor {
    fileprivate var label: String {
        switch self {
        case .none: "none"
        case .pending: "pending"
        case .enrolled: "enrolled"
        }
    }
}

extension UserSummary {
    /// The name's account-wide state, and how many addresses are locked out of it alone.
    fileprivate var stateLabel: String {
        switch (admission, lockedAddresses) {
        case (_, 0): admission.label
        case (.allowed, 1): "1 address locked"
        case (.allowed, let count): "\(count) addresses locked"
        default: "\(admission.label); \(lockedAddresses) locked"
        }
    }
}

extension Admission {
    fileprivate var label: String {
        switch self {
        case .allowed: "active"
        case .throttled(let retryAfter): "waiting \(retryAfter) s"
        case .locked(nil): "locked until unlock"
        case .locked(let until?): "locked until \(Date(timeIntervalSince1970: TimeInterval(until)).formatted(.iso8601))"
        }
    }
}

/// Prints rows in columns padded to their widest cell.
private func printTable(header: [String], rows: [[String]]) {
    let table = [header] + rows
    let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
    for row in table {
        let cells = zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
        print(cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
}
