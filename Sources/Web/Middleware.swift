/// A step around the routes, such as the security headers or the session
/// cookie (Hummingbird's `RouterMiddleware`): it may fill the context before
/// the route runs and adjust the response after.
///
/// `next` runs the rest of the chain and the route. It never throws: an error
/// inside it is already its error page when it comes back, so every step sees
/// every answer, error pages included.
public protocol Middleware<Context>: Sendable {
    associatedtype Context

    /// The response to `request`, with `next` answering for the steps and the route inside this one.
    func handle(_ request: Request, context: inout Context, next: (Request, inout Context) -> Response) throws -> Response
}
