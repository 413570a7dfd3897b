import Web

/// Turns the CGI parameters a web server sends over FastCGI into a `Request`.
///
/// The path comes from `DOCUMENT_URI` (nginx: the current request's, also
/// inside an `auth_request` subrequest), else `SCRIPT_NAME` + `PATH_INFO`
/// (Apache), else `REQUEST_URI`'s path. The configured mount point is then
/// taken off; with none configured, a server that splits the path
/// (`SCRIPT_NAME=/2fa`, `PATH_INFO=/login`) mounts the app at `SCRIPT_NAME`.
/// A parameter sent twice counts with its last value, the one a later
/// `fastcgi_param` line set.
public struct RequestMapping: Sendable {
    /// The configured mount point: `""` or a path like `/2fa` (no trailing slash).
    public let basePath: String

    public init(basePath: String) {
        var base = basePath
        while base.hasSuffix("/") { base.removeLast() }
        self.basePath = base
    }

    /// The request these parameters describe, with `body` already read.
    public func request(parameters: [(name: String, value: String)], body: [UInt8]) -> Request {
        var cgi: [String: String] = [:]
        var headers = HTTPHeaders()
        for (name, value) in parameters {
            if name.hasPrefix("HTTP_") {
                headers.add(Self.headerName(fromCGI: name.dropFirst(5)), value)
            } else {
                cgi[name] = value
            }
        }
        if let type = cgi["CONTENT_TYPE"], !type.isEmpty { headers.add("content-type", type) }
        if let length = cgi["CONTENT_LENGTH"], !length.isEmpty { headers.add("content-length", length) }

        let requestURI = cgi["REQUEST_URI"] ?? ""
        let uriPath = String(requestURI.prefix { $0 != "?" })
        let uriQuery = requestURI.firstIndex(of: "?").map { String(requestURI[requestURI.index(after: $0)...]) } ?? ""
        let scriptName = cgi["SCRIPT_NAME"] ?? ""
        let pathInfo = cgi["PATH_INFO"] ?? ""

        var base = basePath
        var path: String
        if let documentURI = cgi["DOCUMENT_URI"], !documentURI.isEmpty {
            path = documentURI
        } else if basePath.isEmpty, !pathInfo.isEmpty, !scriptName.isEmpty {
            base = scriptName
            path = scriptName + pathInfo
        } else if !scriptName.isEmpty || !pathInfo.isEmpty {
            path = scriptName + pathInfo
        } else {
            path = uriPath
        }
        path = Self.strip(base, from: path)

        let https = (cgi["HTTPS"] ?? "").lowercased()
        return Request(
            method: HTTPMethod(rawValue: cgi["REQUEST_METHOD"] ?? "GET"),
            path: path,
            query: cgi["QUERY_STRING"] ?? uriQuery,
            headers: headers,
            body: body,
            clientAddress: cgi["REMOTE_ADDR"] ?? "",
            isHTTPS: https == "on" || https == "1" || cgi["REQUEST_SCHEME"]?.lowercased() == "https",
            basePath: base,
            originalURI: requestURI.isEmpty ? path : requestURI
        )
    }

    /// `path` below `base`; `""` (which no route matches) when it lies outside it.
    private static func strip(_ base: String, from path: String) -> String {
        guard !base.isEmpty else { return path.isEmpty ? "/" : path }
        guard path.hasPrefix(base) else { return "" }
        let rest = path.dropFirst(base.count)
        if rest.isEmpty { return "/" }
        return rest.hasPrefix("/") ? String(rest) : ""
    }

    /// The body length `CONTENT_LENGTH` declares: 0 when absent or empty (nginx's
    /// `fastcgi_param CONTENT_LENGTH ""` in an `auth_request` location, which
    /// passes no body), nil when it is not a number.
    public static func declaredBodyLength(in parameters: [(name: String, value: String)]) -> Int? {
        let declared = parameters.last { $0.name == "CONTENT_LENGTH" }?.value ?? ""
        if declared.isEmpty { return 0 }
        guard let length = Int(declared), length >= 0 else { return nil }
        return length
    }

    /// `USER_AGENT` → `user-agent`.
    private static func headerName(fromCGI name: Substring) -> String {
        String(name.lowercased().map { $0 == "_" ? "-" : $0 })
    }
}
