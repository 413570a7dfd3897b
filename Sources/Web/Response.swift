/// One HTTP response: status, ordered headers and the body bytes.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `303 See Other` to `location` (a path this application built, or a checked return address).
    public static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: ["Location": location])
    }

    /// Adds a `Set-Cookie` header.
    public mutating func setCookie(_ cookie: SetCookie) {
        headers.add("Set-Cookie", cookie.headerValue)
    }

    /// Marks the response as never to be stored by browsers or proxies (pages holding secrets).
    public mutating func forbidCaching() {
        headers.replace("Cache-Control", "no-store")
    }
}
