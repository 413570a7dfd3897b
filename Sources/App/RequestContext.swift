import Accounts
import Web

/// What a handler gets besides the request: made once per request by the
/// worker, the session filled in by ``SessionMiddleware`` before any handler runs.
struct RequestContext {
    /// What the answer does with the session cookie.
    enum SessionUpdate: Equatable {
        /// Re-issue the request's session when a successful answer finds it due for renewal.
        case renewIfDue
        /// Set the cookie to this session (a new one, or one that changed).
        case replace(Session)
        /// Delete the cookie.
        case end
    }

    /// The time of the request, Unix seconds.
    let now: Int64
    /// The address the request came from, as attempts are throttled under it.
    let client: ClientAddress
    /// The accounts, over this worker's store connection, auditing with this request's client.
    let accounts: AccountService
    /// The session the request's cookie carries: verified, unexpired and not
    /// ended by a logout; nil when there is none.
    var session: Session?
    /// The groups of the session's user, as the store last told (sorted; none without a session).
    var groups: [String] = []
    /// Set by handlers, carried out by ``SessionMiddleware``.
    var sessionUpdate = SessionUpdate.renewIfDue

    init(now: Int64, client: ClientAddress, accounts: AccountService) {
        self.now = now
        self.client = client
        self.accounts = accounts
    }

    /// The request's session when it is at `stage`.
    func session(at stage: Session.Stage) -> Session? {
        session?.stage == stage ? session : nil
    }
}

extension Session {
    /// The user this session names when it is at `stage` (every stage but
    /// anonymous names one); nil at any other stage.
    func user(at stage: Stage) -> AuthenticatedUser? {
        guard self.stage == stage, let id = userID else { return nil }
        return AuthenticatedUser(id: id, name: username, sessionGeneration: generation)
    }
}
