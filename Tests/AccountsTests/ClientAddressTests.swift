import Testing
@testable import Accounts

struct ClientAddressTests {
    /// `REMOTE_ADDR` → the address attempts are throttled under.
    @Test(arguments: [
        ("192.0.2.7", "192.0.2.7"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::99", "2001:db8:1:2::/64"),
        ("2001:0DB8:0001:0002::1", "2001:db8:1:2::/64"),
        ("::1", "0:0:0:0::/64"),
        ("unix:", "unix:"),
        ("", "-"),
        ("bad\u{0}value with spaces", "badvaluewithspaces"),
        (String(repeating: "x", count: 100), String(repeating: "x", count: 64)),
    ])
    func keysAnAddress(_ remoteAddress: String, _ key: String) {
        #expect(ClientAddress(remoteAddress).key == key)
    }

    @Test func addressesOfOneIPv6SubscriberShareAKey() {
        #expect(ClientAddress("2001:db8:aa:bb::1") == ClientAddress("2001:db8:aa:bb:ffff:ffff:ffff:ffff"))
        #expect(ClientAddress("2001:db8:aa:bb::1") != ClientAddress("2001:db8:aa:bc::1"))
    }
}
