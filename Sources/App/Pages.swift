import Web

/// Renders the page templates with what every page needs (mount point, name).
struct Pages: Sendable {
    let templates: Templates
    let settings: Settings

    /// The page `name` as a response, over `values` plus the shared ones.
    func render(_ name: String, title: String, for request: Request, status: HTTPStatus = .ok,
                _ values: [String: Any] = [:]) throws -> Response {
        var context = values
        context["title"] = title
        context["base"] = request.basePath
        context["appName"] = settings.appName
        return .html(try templates.render(name, context), status: status)
    }

    /// The page for `error`; never fails (a broken error template falls back to text).
    func error(_ error: HTTPError, for request: Request) -> Response {
        let values: [String: Any] = ["heading": error.status.description, "message": error.message]
        if let page = try? render("error", title: error.status.reason, for: request, status: error.status, values) {
            return page
        }
        return Response(status: error.status, headers: ["Content-Type": "text/plain; charset=utf-8"],
                         body: Array("\(error.status)\n\(error.message)\n".utf8))
    }
}
