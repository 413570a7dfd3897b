import FastCGI
import FuzzSupport
import Web

/// The FastCGI parameters a web server (or anyone who reaches the socket)
/// sends, as the responder reads them: libfcgi's `NAME=value` entries split by
/// `RequestMapping.parameter(fromEntry:)`, then `RequestMapping.request`.
///
/// Input: the first byte picks the configured mount point; the rest are the
/// entries, separated by NUL as in libfcgi's array of C strings.
///
/// - an entry splits at its first `=` into a name without one and the rest,
///   which together give the entry back; an entry without `=` is dropped;
/// - the request's path is below the mount point (`/…`) or empty (no route);
///   its mount point is the configured one, or else `SCRIPT_NAME` or nothing,
///   and a path links can start with (`/…`, not `//host` or `/\host`);
/// - the `HTTP_*` parameters become headers with lower-case, dash-separated
///   names, one each, with the last value sent; only those and the content
///   type and length do;
/// - the original URI is `REQUEST_URI` (else the path), the query is
///   `QUERY_STRING` (else `REQUEST_URI`'s), the last of repeated parameters wins;
/// - the declared body length is a number ≥ 0 or refused.
@main
enum FastCGIFuzzer: FuzzTarget {
    static func check(_ bytes: [UInt8]) {
        var input = FuzzInput(bytes)
        let configured = input.pick(["", "/2fa", "/2fa/", "/a/b"])
        var parameters: [(name: String, value: String)] = []
        while !input.isEmpty {
            let entry = input.field(separator: 0)
            let parameter = RequestMapping.parameter(fromEntry: entry)
            checkSplit(entry, parameter)
            if let parameter { parameters.append(parameter) }
        }
        checkRequest(RequestMapping(basePath: configured).request(parameters: parameters, body: []), parameters, configured)
        if let length = RequestMapping.declaredBodyLength(in: parameters) { require(length >= 0, "body length \(length)") }
    }
}

private func checkSplit(_ entry: ArraySlice<UInt8>, _ parameter: (name: String, value: String)?) {
    guard let parameter else {
        require(!entry.contains(UInt8(ascii: "=")), "\(entry) has an '=' but was dropped")
        return
    }
    require(!parameter.name.utf8.contains(UInt8(ascii: "=")), "\(entry) split at a later '=': \(parameter)")
    require(parameter.name + "=" + parameter.value == String(decoding: entry, as: UTF8.self), "\(entry) split into \(parameter)")
}

private func checkRequest(_ request: Request, _ parameters: [(name: String, value: String)], _ configured: String) {
    func last(_ name: String) -> String? { parameters.last { $0.name == name }?.value }
    let origin = "\(parameters) under \(configured.debugDescription)"

    require(request.path.isEmpty || request.path.hasPrefix("/"), "\(origin) gave the path \(request.path.debugDescription)")
    let mount = configured.hasSuffix("/") ? String(configured.dropLast()) : configured
    require(request.basePath == mount || mount.isEmpty && request.basePath == last("SCRIPT_NAME"),
            "\(origin) mounted at \(request.basePath.debugDescription)")
    require(request.basePath.isEmpty || isLocalPath(request.basePath),
            "\(origin) mounted at \(request.basePath.debugDescription), which links cannot start with")

    // Each header once, where its last parameter put it, with that one's value; then the body's.
    var headers: [(name: String, value: String)] = []
    for parameter in parameters where parameter.name.utf8.starts(with: "HTTP_".utf8) {
        let name = headerName(parameter.name)
        headers.removeAll { $0.name == name }
        headers.append((name, parameter.value))
    }
    for (name, value) in [("content-type", last("CONTENT_TYPE")), ("content-length", last("CONTENT_LENGTH"))] {
        if let value, !value.isEmpty { headers.append((name, value)) }
    }
    require(request.headers == HTTPHeaders(headers), "\(origin) gave the headers \(request.headers.fields), not \(headers)")

    let requestURI = last("REQUEST_URI") ?? ""
    require(request.originalURI == (requestURI.isEmpty ? request.path : requestURI), "\(origin): original URI \(request.originalURI)")
    let uri = requestURI.utf8
    let uriQuery = uri.firstIndex(of: UInt8(ascii: "?")).map { String(decoding: uri[uri.index(after: $0)...], as: UTF8.self) } ?? ""
    require(request.query == last("QUERY_STRING") ?? uriQuery, "\(origin): query \(request.query.debugDescription)")
}

/// Whether links may start with `path`: `/…` in visible ASCII, and neither
/// `//host` nor `/\host`, which browsers read as another host.
private func isLocalPath(_ path: String) -> Bool {
    path.hasPrefix("/") && !path.hasPrefix("//") && path.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") }
}

/// The header a CGI parameter carries (RFC 3875 §4.1.18): `HTTP_USER_AGENT` is `user-agent`.
private func headerName(_ parameter: String) -> String {
    String(decoding: parameter.utf8.dropFirst(5).map { byte in
        byte == UInt8(ascii: "_") ? UInt8(ascii: "-") : (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }, as: UTF8.self)
}
