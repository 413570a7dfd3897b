import Web

/// Turns the CGI parameters a web server sends over FastCGI into a `Request`.
///
/// The path comes from `DOCUMENT_URI` (nginx: the current request's, also
/// inside an `auth_request` subrequest), else `SCRIPT_NAME` + `PATH_INFO`
/// (Apache), else `REQUEST_URI`'s path. The configured mount point is then
/// taken off; with none configured, a server that splits the path
/// (`SCRIPT_NAME=/2fa`, `PATH_INFO=/login`) mounts the app at `SCRIPT_NAME`
/// when that is a local path.
/// A parameter sent twice counts with its last value, the one a later
/// `fastcgi_param` line set.
public struct RequestMapping: Sendable {
    /// The configured mount point: `""` or a path like `/2fa` (no trailing slash).
    public let basePath: String

    public init(basePath: String) {
        self.basePath = Request.mountPoint(basePath)
    }

    /// The request these parameters describe, with `body` already read, in `role`.
    public func request(parameters: [(name: String, value: String)], body: [UInt8], role: Request.Role = .responder) -> Request {
        var method = "GET", requestURI = "", documentURI = "", scriptName = "", pathInfo = ""
        var query: String?, clientAddress = "", https = "", scheme = "", contentType = "", contentLength = ""
        var headers = HTTPHeaders()
        for (name, value) in parameters {
            switch name {
            case "REQUEST_METHOD": method = value
            case "REQUEST_URI": requestURI = value
            case "DOCUMENT_URI": documentURI = value
            case "SCRIPT_NAME": scriptName = value
            case "PATH_INFO": pathInfo = value
            case "QUERY_STRING": query = value
            case "REMOTE_ADDR": clientAddress = value
            case "HTTPS": https = value
            case "REQUEST_SCHEME": scheme = value
            case "CONTENT_TYPE": contentType = value
            case "CONTENT_LENGTH": contentLength = value
            default:
                if name.utf8.starts(with: "HTTP_".utf8) { headers.replace(Self.headerName(fromCGI: name), value) }
            }
        }
        if !contentType.isEmpty { headers.add("content-type", contentType) }
        if !contentLength.isEmpty { headers.add("content-length", contentLength) }

        let questionMark = requestURI.utf8.firstIndex(of: UInt8(ascii: "?"))
        let uriPath = questionMark.map { String(requestURI[..<$0]) } ?? requestURI
        // After the `?` byte, not the Character holding it: a combining mark after it belongs to the query.
        let uriQuery = questionMark.map { String(Substring(requestURI.utf8[requestURI.utf8.index(after: $0)...])) } ?? ""

        var base = basePath
        var path: String
        if !documentURI.isEmpty {
            path = documentURI
        } else if basePath.isEmpty, !pathInfo.isEmpty, ReturnAddress.validated(scriptName) != nil {
            // Only a local path may be the mount point: it starts every redirect and form action.
            base = scriptName
            path = scriptName + pathInfo
        } else if !scriptName.isEmpty || !pathInfo.isEmpty {
            path = scriptName + pathInfo
        } else {
            path = uriPath
        }
        path = Self.strip(base, from: path)

        return Request(
            method: HTTPMethod(rawValue: method),
            path: path,
            query: query ?? uriQuery,
            headers: headers,
            body: body,
            clientAddress: clientAddress,
            isHTTPS: Self.isOn(https) || Self.isHTTPS(scheme),
            basePath: base,
            originalURI: requestURI.isEmpty ? path : requestURI,
            role: role
        )
    }

    /// `HTTPS=on` (or `1`), as nginx and Apache set it for TLS requests.
    private static func isOn(_ value: String) -> Bool {
        value == "1" || value.utf8.count == 2 && value.lowercased() == "on"
    }

    private static func isHTTPS(_ scheme: String) -> Bool {
        scheme.utf8.count == 5 && scheme.lowercased() == "https"
    }

    /// `path` below `base`; `""` (which no route matches) when it lies outside
    /// it or is not a path at all.
    private static func strip(_ base: String, from path: String) -> String {
        guard !base.isEmpty else { return path.isEmpty ? "/" : path.hasPrefix("/") ? path : "" }
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

    /// One `NAME=value` entry of the parameter array libfcgi builds, split at
    /// its first `=` (a value may hold more); nil when it has none.
    public static func parameter(fromEntry entry: some Collection<UInt8>) -> (name: String, value: String)? {
        guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        return (name: String(decoding: entry[..<equals], as: UTF8.self),
                value: String(decoding: entry[entry.index(after: equals)...], as: UTF8.self))
    }

    /// `HTTP_USER_AGENT` → `user-agent`, on bytes.
    private static func headerName(fromCGI name: String) -> String {
        String(decoding: name.utf8.dropFirst(5).map { byte in
            switch byte {
            case UInt8(ascii: "_"): UInt8(ascii: "-")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte | 0x20
            default: byte
            }
        }, as: UTF8.self)
    }
}
