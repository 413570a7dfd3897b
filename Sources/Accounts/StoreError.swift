/// Why a store could not do what was asked, whichever store it is.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The store cannot be reached now (a database server down, a connection
    /// lost); nothing was changed, and a later attempt may succeed. The web
    /// layer answers 503.
    case unavailable(String)
    /// The store's schema was made by a newer totpgate.
    case schemaTooNew(found: Int64, supported: Int)
    /// An import into a store that already holds data; nothing was written.
    case notEmpty(String)
    /// No store where one was named, for a command that may not create one.
    case missing(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "the store is unavailable: \(reason)"
        case .schemaTooNew(let found, let supported):
            "the store has schema version \(found), newer than this totpgate knows (\(supported)); upgrade totpgate"
        case .notEmpty(let store): "\(store) already holds data; migrate only into an empty store"
        case .missing(let store):
            "no store at \(store); check --data-dir and --store, or create it with `totpgate user add`"
        }
    }
}
