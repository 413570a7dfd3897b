import TestSupport
import Testing

struct URICommandTests {
    @Test func printsTheKeyURI() throws {
        let result = try totpgate("uri", "--secret", "jbsw y3dp ehpk 3pxp", "--account", "alice@example.com",
                                  "--issuer", "Big Corp", "--algorithm", "sha256", "--digits", "8", "--period", "60")
        #expect(result.status == 0)
        #expect(result.stdout == "otpauth://totp/Big%20Corp:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Big%20Corp&algorithm=SHA256&digits=8&period=60\n")
    }
}
