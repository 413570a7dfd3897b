import Crypto
import Encoding

/// The `otpauth://totp/…` provisioning URI, as Google Authenticator reads it
/// (github.com/google/google-authenticator/wiki/Key-Uri-Format).
public struct KeyURI: Sendable, Hashable, CustomStringConvertible {
    /// Why a URI cannot be built or parsed.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case notOTPAuth
        case unsupportedType(String)
        case missingAccount
        case colonInLabel(String)
        case spaceBeforeAccount(String)
        case missingSecret
        case invalidSecret(Base32.Error)
        case unknownAlgorithm(String)
        case invalidParameter(name: String, value: String)
        case invalidEncoding

        public var description: String {
            switch self {
            case .notOTPAuth: "not an otpauth:// URI"
            case .unsupportedType(let type): "unsupported OTP type \(type.debugDescription): only totp is supported"
            case .missingAccount: "the account name is empty"
            case .colonInLabel(let part): "\(part.debugDescription) contains a colon, which would make the label ambiguous"
            case .spaceBeforeAccount(let account):
                "\(account.debugDescription) starts with a space, which apps drop after the issuer and its colon"
            case .missingSecret: "the URI has no secret parameter"
            case .invalidSecret(let error): "invalid secret: \(error)"
            case .unknownAlgorithm(let name): "unknown algorithm \(name.debugDescription): use SHA1, SHA256 or SHA512"
            case .invalidParameter(let name, let value): "invalid \(name) \(value.debugDescription)"
            case .invalidEncoding: "invalid percent-encoding in the URI"
            }
        }
    }

    public var secret: [UInt8]
    public var account: String
    public var issuer: String?
    public var algorithm: HashAlgorithm
    public var digits: Int
    public var period: Int

    /// A URI for `account` (and `issuer`); a colon in either is refused, since
    /// the label joins them with one, and so is an account starting with a
    /// space after an issuer, since readers take spaces after the colon for
    /// padding.
    public init(
        secret: [UInt8], account: String, issuer: String? = nil,
        algorithm: HashAlgorithm = .sha1, digits: Int = 6, period: Int = 30
    ) throws {
        let issuer = issuer.flatMap { $0.isEmpty ? nil : $0 }
        guard !account.isEmpty else { throw Error.missingAccount }
        // By bytes, as apps split the label: a colon followed by a combining mark is no ":" Character.
        guard !account.utf8.contains(UInt8(ascii: ":")) else { throw Error.colonInLabel(account) }
        if let issuer, issuer.utf8.contains(UInt8(ascii: ":")) { throw Error.colonInLabel(issuer) }
        if issuer != nil, account.utf8.first == UInt8(ascii: " ") { throw Error.spaceBeforeAccount(account) }
        _ = try TOTP(secret: secret, algorithm: algorithm, digits: digits, period: period)
        self.secret = secret
        self.account = account
        self.issuer = issuer
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
    }

    /// The generator this URI provisions.
    public var totp: TOTP {
        get throws { try TOTP(secret: secret, algorithm: algorithm, digits: digits, period: period) }
    }

    /// The URI text: issuer as label prefix and `issuer=` parameter, `%20` for
    /// spaces, unpadded base32, default algorithm/digits/period left out.
    public var description: String {
        // '@' is a legal path and query character and reads better than %40 in e-mail accounts.
        let label = [issuer, account].compactMap { $0 }.map { PercentEncoding.encode($0, allowing: "@") }.joined(separator: ":")
        var query = ["secret=" + Base32.encode(secret)]
        if let issuer { query.append("issuer=" + PercentEncoding.encode(issuer, allowing: "@")) }
        if algorithm != .sha1 { query.append("algorithm=" + algorithm.rawValue.uppercased()) }
        if digits != 6 { query.append("digits=\(digits)") }
        if period != 30 { query.append("period=\(period)") }
        return "otpauth://totp/" + label + "?" + query.joined(separator: "&")
    }

    /// Parses a URI; the `issuer` parameter wins over the label prefix.
    ///
    /// Splits on bytes, as other readers do: split into Characters, a
    /// separator followed by a combining mark would be none.
    public init(parsing text: String) throws {
        let prefix = "otpauth://"
        guard text.lowercased().hasPrefix(prefix) else { throw Error.notOTPAuth }
        let rest = text.dropFirst(prefix.count)
        let pathAndQuery = Self.split(rest, at: "?", maxSplits: 1)
        let path = Self.split(pathAndQuery[0], at: "/", maxSplits: 1)
        let type = String(path[0]).lowercased()
        guard type == "totp" else { throw Error.unsupportedType(String(path[0])) }
        let label = path.count > 1 ? try Self.decode(path[1]) : ""

        var parameters: [String: String] = [:]
        if pathAndQuery.count > 1 {
            for pair in Self.split(pathAndQuery[1], at: "&") where !pair.isEmpty {
                let parts = Self.split(pair, at: "=", maxSplits: 1)
                parameters[try Self.decode(parts[0]).lowercased()] = parts.count > 1 ? try Self.decode(parts[1], query: true) : ""
            }
        }

        var account = label
        var issuer: String?
        if let colon = label.utf8.firstIndex(of: UInt8(ascii: ":")) {
            issuer = String(label[..<colon])
            account = String(label[label.utf8.index(after: colon)...].drop { $0 == " " })
        }
        if let given = parameters["issuer"] { issuer = given }

        guard let encodedSecret = parameters["secret"], !encodedSecret.isEmpty else { throw Error.missingSecret }
        let secret: [UInt8]
        do { secret = try Base32.decode(encodedSecret) } catch { throw Error.invalidSecret(error) }

        var algorithm = HashAlgorithm.sha1
        if let name = parameters["algorithm"] {
            guard let known = HashAlgorithm(rawValue: name.lowercased()) else { throw Error.unknownAlgorithm(name) }
            algorithm = known
        }
        let digits = try Self.integer(parameters, "digits") ?? 6
        let period = try Self.integer(parameters, "period") ?? 30
        try self.init(secret: secret, account: account, issuer: issuer, algorithm: algorithm, digits: digits, period: period)
    }

    /// `text` split at every (or the first `maxSplits`) ASCII `separator`, empty parts kept.
    private static func split(_ text: Substring, at separator: Unicode.Scalar, maxSplits: Int = .max) -> [Substring] {
        text.utf8.split(separator: UInt8(ascii: separator), maxSplits: maxSplits, omittingEmptySubsequences: false).map(Substring.init)
    }

    private static func decode(_ text: Substring, query: Bool = false) throws -> String {
        // Python's urlencode writes '+' for spaces in query values; read them back as spaces.
        do { return try PercentEncoding.decode(text, plusAsSpace: query) } catch { throw Error.invalidEncoding }
    }

    private static func integer(_ parameters: [String: String], _ name: String) throws -> Int? {
        guard let value = parameters[name] else { return nil }
        guard let number = Int(value) else { throw Error.invalidParameter(name: name, value: value) }
        return number
    }
}
