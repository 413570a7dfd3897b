import Crypto
import Testing
@testable import Accounts

struct SecretCipherTests {
    let cipher = SecretCipher(keys: Fixture.keys)

    @Test func opensWhatItSealedForTheSameUser() throws {
        let sealed = try cipher.seal(Fixture.secret, userID: 7)
        #expect(try cipher.open(sealed, userID: 7) == Fixture.secret)
    }

    @Test func aSecretSealedForOneUserDoesNotOpenForAnother() throws {
        let sealed = try cipher.seal(Fixture.secret, userID: 7)
        #expect(throws: CryptoError.self) { try cipher.open(sealed, userID: 8) }
    }

    @Test func anotherMasterKeyCannotOpenIt() throws {
        let sealed = try cipher.seal(Fixture.secret, userID: 7)
        let other = SecretCipher(keys: try AccountKeys(masterKey: [UInt8](repeating: 8, count: 32)))
        #expect(throws: CryptoError.self) { try other.open(sealed, userID: 7) }
    }

    @Test func anAlteredBoxDoesNotOpen() throws {
        var sealed = try cipher.seal(Fixture.secret, userID: 7)
        sealed[sealed.count / 2] ^= 1
        #expect(throws: CryptoError.self) { try cipher.open(sealed, userID: 7) }
    }

    @Test func sealingTwiceGivesDifferentBoxes() throws {
        #expect(try cipher.seal(Fixture.secret, userID: 7) != cipher.seal(Fixture.secret, userID: 7))
    }

    @Test func derivesDistinctKeysPerPurpose() throws {
        let master = [UInt8](repeating: 7, count: 32)
        #expect(Fixture.keys.secretEncryptionKey != Fixture.keys.recoveryCodeKey)
        #expect(Fixture.keys.secretEncryptionKey != master)
        #expect(throws: CryptoError.self) { try AccountKeys(masterKey: [1, 2, 3]) }
    }
}
