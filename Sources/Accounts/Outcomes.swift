/// A user who passed the password check, as the session layer records them.
public struct AuthenticatedUser: Sendable, Equatable {
    /// The user's id.
    public var id: Int64
    /// The user's name as stored (the case given at `user add`).
    public var name: String
    /// The user's session generation at login; the session ends when it moves on.
    public var sessionGeneration: Int64

    /// A user as the session layer stored them.
    public init(id: Int64, name: String, sessionGeneration: Int64) {
        self.id = id
        self.name = name
        self.sessionGeneration = sessionGeneration
    }

    init(_ record: UserRecord) {
        self.init(id: record.id, name: record.name, sessionGeneration: record.sessionGeneration)
    }
}

/// Why an attempt did not succeed, as the client may learn it.
public enum Refusal: Sendable, Equatable {
    /// Unknown user, wrong password or wrong code: deliberately indistinguishable.
    case failed
    /// Refused unchecked: too many recent failures; try again after this many seconds.
    case throttled(retryAfter: Int64)
    /// Refused unchecked, even right credentials, until the lock ends or `user unlock`.
    case locked
}

/// What a login or second-factor attempt came to.
public enum LoginOutcome: Sendable, Equatable {
    /// Password and second factor are right: the user is fully logged in.
    case success(AuthenticatedUser)
    /// The password is right; the second factor is still to come.
    case needsCode(AuthenticatedUser)
    /// The password is right and no second factor is enrolled yet.
    case needsEnrolment(AuthenticatedUser)
    /// Refused.
    case refused(Refusal)
}

/// What confirming the code of an enrolment came to.
public enum EnrolmentOutcome: Sendable, Equatable {
    /// Enrolled. Every other session of the user has ended (the generation
    /// moved on); `user` carries the new one. The recovery codes are to show once.
    case enrolled(AuthenticatedUser, recoveryCodes: [String])
    /// Refused.
    case refused(Refusal)
}

/// What confirming a code to regenerate recovery codes came to.
public enum CodeConfirmation: Sendable, Equatable {
    /// Confirmed; here are the new recovery codes, to show this once.
    case confirmed(recoveryCodes: [String])
    /// Refused.
    case refused(Refusal)
}

/// One user as `user list` shows them.
public struct UserSummary: Sendable, Equatable {
    /// Where the user is with two-factor authentication.
    public enum SecondFactor: Sendable, Equatable {
        /// Not enrolled; enrolment starts at the next login.
        case none
        /// An enrolment is in progress (a secret was shown, no code confirmed yet).
        case pending
        /// Enrolled at this time (Unix seconds).
        case enrolled(since: Int64)
    }

    /// The user's name.
    public var name: String
    /// Two-factor state.
    public var secondFactor: SecondFactor
    /// Whether the name takes an attempt from any address at the time of
    /// listing (its account-wide throttle row).
    public var admission: Admission
    /// Consecutive failures counted account-wide.
    public var failures: Int
    /// Addresses locked out of this name alone (their pair rows), at the time of listing.
    public var lockedAddresses: Int
    /// Unused recovery codes.
    public var unusedRecoveryCodes: Int
    /// The user's groups, sorted.
    public var groups: [String]
    /// Remembered devices.
    public var devices: Int
    /// When the user was added (Unix seconds).
    public var createdAt: Int64
}
