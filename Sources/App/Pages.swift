import Web

/// Renders the page templates with what every page needs (mount point, name, logo).
struct Pages: Sendable {
    let templates: Templates
    let settings: Settings

    /// The page `name` as a response, over `values` plus the shared ones.
    /// `page` names the template, so the stylesheet can lay each page out.
    func render(_ name: String, title: String, for request: Request, status: HTTPStatus = .ok,
                _ values: [String: Any] = [:]) throws -> Response {
        var context = values
        context["title"] = title
        context["page"] = name
        context["base"] = request.basePath
        context["appName"] = settings.appName
        context["logo"] = settings.logoPath ?? false
        return Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8"],
                        body: try templates.renderBytes(name, context))
    }

    /// The page for `error`; never fails (a broken error template falls back to text).
    func error(_ error: HTTPError, for request: Request) -> Response {
        let heading = Self.headings[error.status.code] ?? error.status.reason
        let values: [String: Any] = ["status": error.status.code, "heading": heading, "message": error.message]
        if let page = try? render("error", title: heading, for: request, status: error.status, values) {
            return page
        }
        return Response(status: error.status, headers: ["Content-Type": "text/plain; charset=utf-8"],
                         body: Array("\(error.status)\n\(error.message)\n".utf8))
    }

    /// What an error page says in plain words, above the error's own message.
    static let headings = [
        400: "That request did not make sense",
        403: "Not allowed",
        404: "Page not found",
        405: "Not possible here",
        413: "Too much data",
        500: "Something went wrong",
    ]
}
