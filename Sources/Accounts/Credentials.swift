/// The rules for user names.
///
/// A name is 1 to 64 characters from `A–Z a–z 0–9 . _ - @ +` (e-mail
/// addresses fit), not starting with `-`. Names are unique regardless of case
/// and found regardless of case; the case given at `user add` is kept for
/// display and `X-Auth-User`. The narrow alphabet keeps a name safe in a log
/// line, a Key URI label (no `:`) and a header, with no two names that look
/// alike through Unicode normalisation.
public enum UserName {
    /// Characters in a name.
    public static let allowedLength = 1...64

    /// Throws ``AccountError/invalidName(_:reason:)`` unless `name` follows the rules.
    public static func validate(_ name: String) throws {
        guard allowedLength.contains(name.utf8.count) else {
            throw AccountError.invalidName(name, reason: "use \(allowedLength.lowerBound) to \(allowedLength.upperBound) characters")
        }
        guard name.utf8.allSatisfy(isAllowed) else {
            throw AccountError.invalidName(name, reason: "use only letters, digits and . _ - @ +")
        }
        guard !name.hasPrefix("-") else { throw AccountError.invalidName(name, reason: "it must not start with -") }
    }

    /// Whether `name` follows the rules.
    public static func isValid(_ name: String) -> Bool {
        (try? validate(name)) != nil
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            ".-_@+".utf8.contains(byte)
        }
    }
}

/// The rules for group names: those of ``UserName``, and case does not
/// matter: a group is kept and shown in lower case, so `Admins` and `admins`
/// are one group.
public enum GroupName {
    /// Throws ``AccountError/invalidGroup(_:reason:)`` unless `name` follows the rules.
    public static func validate(_ name: String) throws {
        do {
            try UserName.validate(name)
        } catch AccountError.invalidName(_, let reason) {
            throw AccountError.invalidGroup(name, reason: reason)
        }
    }

    /// `name` checked and in lower case, as the store keeps it.
    public static func canonical(_ name: String) throws -> String {
        try validate(name)
        return name.lowercased()  // the alphabet is ASCII
    }
}

/// The rules for passwords (NIST SP 800-63B 5.1.1): 8 to 1,024 characters
/// (Unicode code points), anything allowed, no composition rules.
public enum PasswordRules {
    /// Code points in a password.
    public static let allowedLength = 8...1024
    /// Groups of a generated password: 20 characters, 100 random bits.
    static let generatedGroups = 4

    /// Throws unless `password` is non-empty and of an allowed length.
    public static func validate(_ password: String) throws {
        let characters = password.unicodeScalars.count
        guard characters > 0 else { throw AccountError.emptyPassword }
        guard allowedLength.contains(characters) else {
            throw AccountError.passwordLength(characters: characters, allowed: allowedLength)
        }
    }

    /// Throws unless `password` may become `userName`'s new password: of an
    /// allowed length, not the name itself, nor among ``CommonPasswords``
    /// (case ignored for both).
    public static func validateNew(_ password: String, userName: String) throws {
        try validate(password)
        guard password.lowercased() != userName.lowercased() else { throw AccountError.passwordIsUserName }
        guard !CommonPasswords.contains(password) else { throw AccountError.commonPassword }
    }

    /// A new random password such as `7kq2m-x9d4f-3bnzr-p0a8w` (100 bits), for `user add`.
    public static func generate() throws -> String {
        try ReadableCode.generate(groups: generatedGroups)
    }
}
