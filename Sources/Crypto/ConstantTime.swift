/// Comparisons whose duration does not depend on where the inputs differ.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. Only the lengths, which are not
    /// secret for codes, MACs and tokens, may influence the time taken.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        memoryEqual(a, b)
    }

    /// Whether two strings have the same UTF-8 bytes, compared in constant time.
    public static func equal(_ a: String, _ b: String) -> Bool {
        memoryEqual(Array(a.utf8), Array(b.utf8))
    }
}

extension ConstantTime {
    /// Whether two words are equal, without a data-dependent branch.
    public static func equal(_ a: UInt32, _ b: UInt32) -> Bool {
        // Fold every differing bit into bit 0, so the result is computed, not branched on.
        var difference = a ^ b
        difference |= difference >> 16
        difference |= difference >> 8
        difference |= difference >> 4
        difference |= difference >> 2
        difference |= difference >> 1
        return (difference & 1) == 0
    }
}
