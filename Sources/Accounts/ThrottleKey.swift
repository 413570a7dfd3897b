import Crypto

/// Who a login attempt was for, as the throttle knows it: a keyed hash
/// (HMAC-SHA256) of the name as submitted, ASCII-lowercased.
///
/// Real and unknown names get their subject the same way, so one code path
/// and the same statements throttle both, and the store never holds a name
/// someone typed (people type passwords into the name field). The key is
/// derived from `secrets.key`, which hosts sharing a store also share.
public struct ThrottleSubject: Hashable, Sendable {
    /// The 32 bytes of the hash; never empty.
    public let bytes: [UInt8]

    /// A subject as a store read it back.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The subject of `name` under `key`.
    init(name: String, key: [UInt8]) throws {
        let lowered = name.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
        bytes = try HMAC.authenticationCode(algorithm: .sha256, key: key, message: lowered)
    }
}

/// Which throttle row an attempt touches. Every attempt touches three:
///
/// - **pair** (subject, address): one address's failures on one name;
/// - **account** (subject, any address): the name's failures from everywhere,
///   each address contributing only its first few (``ThrottleRules``);
/// - **address** (any subject, address): every failure from the address,
///   against password spraying.
///
/// Stores keep a missing part as an empty value (an empty subject, an empty
/// address); neither occurs otherwise (``ClientAddress`` is never empty).
public struct ThrottleKey: Hashable, Sendable {
    /// The name's subject; nil for an address row.
    public let subject: ThrottleSubject?
    /// The client address as ``ClientAddress`` keys it; nil for an account row.
    public let address: String?

    /// A key as a store read it back: an empty subject or address stands for "any".
    public init(subjectBytes: [UInt8], address: String) {
        subject = subjectBytes.isEmpty ? nil : ThrottleSubject(bytes: subjectBytes)
        self.address = address.isEmpty ? nil : address
    }

    private init(subject: ThrottleSubject?, address: String?) {
        self.subject = subject
        self.address = address
    }

    /// One address's attempts on one name.
    public static func pair(_ subject: ThrottleSubject, _ address: ClientAddress) -> ThrottleKey {
        ThrottleKey(subject: subject, address: address.key)
    }

    /// A name's attempts from any address.
    public static func account(_ subject: ThrottleSubject) -> ThrottleKey {
        ThrottleKey(subject: subject, address: nil)
    }

    /// An address's attempts on any name.
    public static func address(_ address: ClientAddress) -> ThrottleKey {
        ThrottleKey(subject: nil, address: address.key)
    }

    /// The subject as stored: its bytes, or empty for "any".
    public var subjectBytes: [UInt8] { subject?.bytes ?? [] }
    /// The address as stored, or empty for "any".
    public var storedAddress: String { address ?? "" }
}

/// One throttle row.
public struct ThrottleRow: Sendable, Equatable {
    /// Whose attempts it counts.
    public var key: ThrottleKey
    /// The count and lock.
    public var state: ThrottleState

    /// A row as a store read it.
    public init(key: ThrottleKey, state: ThrottleState) {
        self.key = key
        self.state = state
    }
}

/// One row of a compare-and-set over throttle rows: the state a claim read
/// and the state it writes.
public struct ThrottleChange: Sendable, Equatable {
    /// The row.
    public var key: ThrottleKey
    /// What the row must still hold; ``ThrottleState/clear`` also matches no row.
    public var expected: ThrottleState
    /// What it gets.
    public var new: ThrottleState

    /// A change of `key` from `expected` to `new`.
    public init(key: ThrottleKey, expected: ThrottleState, new: ThrottleState) {
        self.key = key
        self.expected = expected
        self.new = new
    }
}
