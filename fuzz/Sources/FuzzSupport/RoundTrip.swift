/// Checks a binary-to-text encoding on `bytes`: `encode` writes
/// `symbols(bytes.count)` characters, all from `alphabet`, which `decode`
/// reads back to `bytes`.
public func requireRoundTrip(
    _ bytes: [UInt8], encode: ([UInt8]) -> String, decode: (String) -> [UInt8]?,
    symbols: (Int) -> Int, alphabet: String
) {
    let encoded = encode(bytes)
    require(encoded.utf8.count == symbols(bytes.count), "encode(\(bytes)) has \(encoded.utf8.count) symbols")
    require(encoded.utf8.allSatisfy(alphabet.utf8.contains), "encode(\(bytes)) = \(encoded)")
    require(decode(encoded) == bytes, "\(encoded) does not decode to \(bytes)")
}
