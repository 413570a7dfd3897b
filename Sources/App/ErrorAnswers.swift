import Accounts
import Web

// The answers of errors thrown below the web layer, in one place: the router
// turns each into its page like any ``HTTPResponseError``.

extension HashingPool.Busy: HTTPResponseError {
    var status: HTTPStatus { .serviceUnavailable }
    var message: String { "Too many sign-ins at this moment. Please try again in a second." }
    var headers: HTTPHeaders { ["Retry-After": "1"] }
}

/// A store out of reach (a database server down or gone from the network)
/// is temporary: 503, to try again in a few seconds, while the store
/// reconnects by itself. Any other store failure is a 500, reported.
extension StoreError: HTTPResponseError {
    public var status: HTTPStatus {
        guard case .unavailable = self else { return .internalServerError }
        return .serviceUnavailable
    }

    public var message: String {
        guard case .unavailable = self else { return "Something went wrong on our side." }
        return "The service is unavailable for a moment. Please try again in a few seconds."
    }

    public var headers: HTTPHeaders {
        guard case .unavailable = self else { return [:] }
        return ["Retry-After": "5"]
    }
}
