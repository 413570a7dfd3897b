/// The most common passwords (NIST SP 800-63B 5.1.1.2: a new password is
/// compared against values known to be commonly used), from the list in
/// `CommonPasswordList.swift`.
public enum CommonPasswords {
    /// Read from the text once, at first use.
    private static let passwords = Set(text.split(separator: "\n"))

    /// How many passwords the list holds.
    public static var count: Int { passwords.count }

    /// Whether `password`, case ignored, is on the list.
    public static func contains(_ password: String) -> Bool {
        passwords.contains(Substring(password.lowercased()))
    }
}
