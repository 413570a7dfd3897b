/// A security event, for the audit log. Carries user names and numbers only:
/// never a password, secret or code. The name of an attempt for an unknown
/// user is left out too, since people type passwords into the name field.
public enum AuditEvent: Sendable, Equatable, CustomStringConvertible {
    /// Which check failed, for the log only: the client always hears the same answer.
    public enum Failure: String, Sendable {
        case unknownUser = "unknown-user"
        case password
        case code
    }

    /// What completed a login.
    public enum SecondFactor: String, Sendable {
        case totp
        case recoveryCode = "recovery-code"
        /// A browser remembered after an earlier code stood in for one.
        case rememberedDevice = "remembered-device"
    }

    /// A full login: right password and second factor.
    case loginSucceeded(user: String, factor: SecondFactor)
    /// A wrong password or code, or an unknown user (`user` nil).
    case loginFailed(user: String?, failure: Failure)
    /// A right code refused because its time step was already used.
    case replayRefused(user: String)
    /// An attempt refused unchecked, too soon after the last failure (`user` nil for an unknown name).
    case throttled(user: String?, retryAfter: Int64)
    /// This failure locked a throttle row: the name from this address, the
    /// name from everywhere, or this address for every name.
    case locked(user: String?, scope: ThrottleScope)
    /// An attempt refused unchecked because a throttle row is locked.
    case refusedWhileLocked(user: String?)
    /// Two-factor enrolment completed.
    case enrolled(user: String)
    /// A recovery code was used up; `remaining` are left.
    case recoveryCodeUsed(user: String, remaining: Int)
    /// The recovery codes were replaced by new ones.
    case recoveryCodesRegenerated(user: String)
    /// One session ended.
    case loggedOut(user: String)
    /// Every session of the user ended.
    case loggedOutEverywhere(user: String)
    /// The password was changed (and every session ended).
    case passwordChanged(user: String)
    /// A wrong current password at a self-service password change.
    case passwordChangeFailed(user: String)
    /// Two-factor authentication was removed (and every session ended).
    case secondFactorReset(user: String)
    /// A lock and the failure count were cleared.
    case unlocked(user: String)
    /// A user was added.
    case userAdded(user: String)
    /// A user was deleted.
    case userDeleted(user: String)
    /// The user's groups changed.
    case groupsChanged(user: String, groups: [String])
    /// A browser was remembered: later logins from it need the password only.
    case deviceRemembered(user: String)
    /// A remembered browser was forgotten.
    case deviceForgotten(user: String)

    /// A stable kebab-case name for the event, for log filters.
    public var name: String {
        switch self {
        case .loginSucceeded: "login-succeeded"
        case .loginFailed: "login-failed"
        case .replayRefused: "replay-refused"
        case .throttled: "throttled"
        case .locked: "locked"
        case .refusedWhileLocked: "refused-while-locked"
        case .enrolled: "enrolled"
        case .recoveryCodeUsed: "recovery-code-used"
        case .recoveryCodesRegenerated: "recovery-codes-regenerated"
        case .loggedOut: "logged-out"
        case .loggedOutEverywhere: "logged-out-everywhere"
        case .passwordChanged: "password-changed"
        case .passwordChangeFailed: "password-change-failed"
        case .secondFactorReset: "second-factor-reset"
        case .unlocked: "unlocked"
        case .userAdded: "user-added"
        case .userDeleted: "user-deleted"
        case .groupsChanged: "groups-changed"
        case .deviceRemembered: "device-remembered"
        case .deviceForgotten: "device-forgotten"
        }
    }

    /// The user concerned; nil for an unknown one.
    public var user: String? {
        switch self {
        case .loginFailed(let user, _), .throttled(let user, _), .locked(let user, _), .refusedWhileLocked(let user): user
        case .loginSucceeded(let user, _), .replayRefused(let user), .enrolled(let user), .recoveryCodeUsed(let user, _),
             .recoveryCodesRegenerated(let user), .loggedOut(let user), .loggedOutEverywhere(let user),
             .passwordChanged(let user), .passwordChangeFailed(let user), .secondFactorReset(let user), .unlocked(let user),
             .userAdded(let user), .userDeleted(let user), .groupsChanged(let user, _),
             .deviceRemembered(let user), .deviceForgotten(let user):
            user
        }
    }

    /// The event's fields after its name, in order: `user` (`-` for an
    /// unknown one), then what the event adds (`reason`, `factor`, …).
    public var fields: KeyValuePairs<String, String> {
        let user = user ?? "-"
        return switch self {
        case .loginSucceeded(_, let factor): ["user": user, "factor": factor.rawValue]
        case .loginFailed(_, let failure): ["user": user, "reason": failure.rawValue]
        case .throttled(_, let retryAfter): ["user": user, "retry-after": String(retryAfter)]
        case .recoveryCodeUsed(_, let remaining): ["user": user, "remaining": String(remaining)]
        case .locked(_, let scope): ["user": user, "scope": scope.rawValue]
        case .groupsChanged(_, let groups): ["user": user, "groups": groups.isEmpty ? "-" : groups.joined(separator: ",")]
        default: ["user": user]
        }
    }

    /// One line of `key=value` fields, e.g. `login-failed user=alice reason=password`.
    /// ``UserName`` rules keep names free of spaces and quotes, so no field needs quoting.
    public var description: String {
        ([name] + fields.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }
}
