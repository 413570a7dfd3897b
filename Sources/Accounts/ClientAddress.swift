#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The client address an attempt is throttled under, from `REMOTE_ADDR`.
///
/// An IPv4 address counts as itself (an IPv4-mapped IPv6 address too). An
/// IPv6 address counts as its /64 network: that is what one subscriber gets,
/// so an attacker cannot rotate through it for fresh counts. Anything else
/// (a unix-socket peer, a missing address) counts as itself, cut to 64
/// printable characters, or `-` when empty.
public struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    /// The throttle key: `192.0.2.7`, `2001:db8:1:2::/64`, or the text given.
    public let key: String

    /// The address `remoteAddress` (as the web server passed it) is throttled under.
    public init(_ remoteAddress: String) {
        key = Self.ipv4(remoteAddress) ?? Self.ipv6Network(remoteAddress) ?? Self.verbatim(remoteAddress)
    }

    public var description: String { key }

    private static func ipv4(_ text: String) -> String? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return text
    }

    private static func ipv6Network(_ text: String) -> String? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: address) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")  // ::ffff:a.b.c.d is IPv4
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

    private static func verbatim(_ text: String) -> String {
        let printable = text.unicodeScalars.filter { $0.isASCII && $0.value > 0x20 && $0.value < 0x7f }.prefix(64)
        return printable.isEmpty ? "-" : String(String.UnicodeScalarView(printable))
    }
}
