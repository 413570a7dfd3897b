/// One result row, as either SQL store reads it, with typed access by column
/// index; each throws its store's error for a column of another type.
public protocol SQLRow {
    func integer(_ column: Int) throws -> Int64
    func text(_ column: Int) throws -> String
    func blob(_ column: Int) throws -> [UInt8]
    /// Whether the column is NULL.
    func isNull(_ column: Int) -> Bool
}

extension SQLRow {
    public func optionalInteger(_ column: Int) throws -> Int64? { try optional(column, integer) }
    public func optionalText(_ column: Int) throws -> String? { try optional(column, text) }
    public func optionalBlob(_ column: Int) throws -> [UInt8]? { try optional(column, blob) }

    /// Nil for a NULL column, else what `read` makes of it.
    private func optional<Value>(_ column: Int, _ read: (Int) throws -> Value) throws -> Value? {
        isNull(column) ? nil : try read(column)
    }
}
