import Encoding
import Foundation
import TestSupport
import Testing

struct SecretCommandTests {
    @Test func printsA160BitBase32Secret() throws {
        let result = try totpgate("secret")
        #expect(result.status == 0)
        let secret = result.stdout.trimmingCharacters(in: .newlines)
        #expect(secret.count == 32)
        #expect(secret.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
        #expect(try totpgate("secret").stdout != result.stdout)
    }
}
