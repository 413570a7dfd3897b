/// Why an account operation was refused. Authentication failures are not
/// errors: they are outcomes (``LoginOutcome``), all alike to the client.
public enum AccountError: Error, Equatable, CustomStringConvertible {
    /// The name breaks ``UserName``'s rules.
    case invalidName(String, reason: String)
    /// The group name breaks ``GroupName``'s rules.
    case invalidGroup(String, reason: String)
    /// Another user has this name (ASCII case ignored).
    case duplicateName(String)
    /// No user has this name or id.
    case userNotFound(String)
    /// An empty password.
    case emptyPassword
    /// A password shorter or longer than ``PasswordRules`` allow.
    case passwordLength(characters: Int, allowed: ClosedRange<Int>)
    /// A new password that is the user's name (NIST SP 800-63B 5.1.1.2).
    case passwordIsUserName
    /// A new password among the most common ones (``CommonPasswords``).
    case commonPassword
    /// A TOTP secret with fewer bits than enrolment requires.
    case secretTooShort(bits: Int, minimum: Int)
    /// The user already has a second factor.
    case alreadyEnrolled(String)
    /// The user has no second factor.
    case notEnrolled(String)
    /// The user has no enrolment in progress.
    case noPendingEnrolment(String)
    /// The enrolment a session started was replaced by a newer one (another login).
    case enrolmentSuperseded(String)
    /// A stored password hash this code cannot read.
    case malformedPasswordHash

    public var description: String {
        switch self {
        case .invalidName(let name, let reason): "invalid user name \(name.debugDescription): \(reason)"
        case .invalidGroup(let name, let reason): "invalid group name \(name.debugDescription): \(reason)"
        case .duplicateName(let name): "a user named \(name) already exists"
        case .userNotFound(let name): "no user named \(name)"
        case .emptyPassword: "the password is empty"
        case .passwordLength(let characters, let allowed):
            "the password has \(characters) characters; \(allowed.lowerBound) to \(allowed.upperBound) are allowed"
        case .passwordIsUserName: "the password may not be the user name"
        case .commonPassword: "the password is one of the most common ones, which attackers try first"
        case .secretTooShort(let bits, let minimum): "the TOTP secret has \(bits) bits; at least \(minimum) are required"
        case .alreadyEnrolled(let name): "\(name) already has two-factor authentication"
        case .notEnrolled(let name): "\(name) has no two-factor authentication"
        case .noPendingEnrolment(let name): "\(name) has no enrolment in progress"
        case .enrolmentSuperseded(let name): "the enrolment of \(name) was restarted by another login"
        case .malformedPasswordHash: "a stored password hash is malformed"
        }
    }
}
