extension Array where Element == UInt8 {
    /// Bytes from a hexadecimal string, for test vectors.
    init(hex: String) {
        let digits = Array(hex.utf8)
        self = stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

import Foundation
