/// One HTTP request, as the transport hands it over: transport-free and
/// already routed to this application's mount point.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The path below the mount point, starting with `/` (not percent-decoded).
    public var path: String
    /// The raw query string, without the `?`.
    public var query: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var clientAddress: String
    /// Whether the client reached the web server over TLS.
    public var isHTTPS: Bool
    /// The mount point: `""` at the root of the host, `"/2fa"` under a prefix.
    public var basePath: String
    /// The URI the client asked for (`REQUEST_URI`); inside an nginx
    /// `auth_request` subrequest, the protected resource's URI.
    public var originalURI: String
    /// Whether the web server wants this request answered or judged.
    public var role: Role

    /// What the web server asks of the application for a request.
    public enum Role: Sendable, Equatable {
        /// An answer: the request is for one of this application's pages.
        case responder
        /// A decision on whether the request may go on to the site it is for
        /// (another site: the Authorizer role of FastCGI, which Apache's
        /// `mod_authnz_fcgi` and lighttpd's authorizer mode use).
        case authorizer
    }

    public init(
        method: HTTPMethod = .get, path: String = "/", query: String = "", headers: HTTPHeaders = [:],
        body: [UInt8] = [], clientAddress: String = "127.0.0.1", isHTTPS: Bool = false,
        basePath: String = "", originalURI: String? = nil, role: Role = .responder
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.isHTTPS = isHTTPS
        self.basePath = basePath
        self.originalURI = originalURI ?? basePath + path + (query.isEmpty ? "" : "?" + query)
        self.role = role
    }

    /// The value of the cookie `name` (the first, if repeated), or nil.
    public func cookie(_ name: String) -> String? {
        for header in headers.values("cookie") {
            if let value = CookieParser.value(of: name, in: header) { return value }
        }
        return nil
    }

    /// The decoded fields of an `application/x-www-form-urlencoded` body.
    /// A body of another type, or with invalid encoding, is a 400.
    public func form() throws(HTTPError) -> FormFields {
        let type = headers["content-type"].map { String(Substring(Substring($0).utf8.prefix { $0 != UInt8(ascii: ";") }.trimmingSpaces())) }
        guard body.isEmpty || type?.caseInsensitiveEquals("application/x-www-form-urlencoded") == true else {
            throw HTTPError(.badRequest, message: "Expected a form submission.")
        }
        return try FormFields(decoding: String(decoding: body, as: UTF8.self))
    }

    /// The decoded query parameters; invalid encoding is a 400.
    public func queryFields() throws(HTTPError) -> FormFields {
        try FormFields(decoding: query)
    }

    /// The absolute path of `route` (e.g. `/home`) under the mount point.
    public func url(_ route: String) -> String {
        basePath + route
    }

    /// `path` as a mount point: without trailing slashes, so `/2fa/` is `/2fa` and `/` the root, `""`.
    public static func mountPoint(_ path: String) -> String {
        var mountPoint = path
        while mountPoint.hasSuffix("/") { mountPoint.removeLast() }
        return mountPoint
    }
}
