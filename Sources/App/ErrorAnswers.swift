import Web

// The answers of errors thrown below the web layer, in one place: the router
// turns each into its page like any ``HTTPResponseError``.

extension HashingPool.Busy: HTTPResponseError {
    var status: HTTPStatus { .serviceUnavailable }
    var message: String { "Too many sign-ins at this moment. Please try again in a second." }
    var headers: HTTPHeaders { ["Retry-After": "1"] }
}
