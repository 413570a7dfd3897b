import Glibc

/// IP addresses as text, in the one spelling `inet_ntop` gives them, so an
/// address from the configuration compares equal to `REMOTE_ADDR`.
enum IPAddress {
    /// `address` (IPv4 or IPv6) in canonical form; nil when it is no address.
    static func canonical(_ address: String) -> String? {
        for family in [AF_INET, AF_INET6] {
            var bytes = [UInt8](repeating: 0, count: 16)
            guard inet_pton(family, address, &bytes) == 1 else { continue }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(family, bytes, &text, socklen_t(text.count)) != nil else { return nil }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }
}
