import Web

/// One page to show: its template, title and values.
struct Page {
    /// The template's name, also given to it as `page` so the stylesheet can lay each page out.
    let template: String
    let title: String
    var values: [String: Any]
    /// Whether the page shows a secret (a TOTP secret, recovery codes): never stored by browsers or proxies.
    var holdsSecret: Bool
    var status: HTTPStatus

    init(_ template: String, title: String, holdsSecret: Bool = false, status: HTTPStatus = .ok, _ values: [String: Any] = [:]) {
        self.template = template
        self.title = title
        self.values = values
        self.holdsSecret = holdsSecret
        self.status = status
    }
}

/// Renders the page templates with what every page needs (mount point, name, logo).
struct Pages: Sendable {
    let templates: Templates
    let settings: Settings

    /// `page` as a response, its values joined by the shared ones.
    func render(_ page: Page, for request: Request) throws -> Response {
        var values = page.values
        values["title"] = page.title
        values["page"] = page.template
        values["base"] = request.basePath
        values["appName"] = settings.appName
        values["logo"] = settings.logoPath ?? false
        var response = Response(status: page.status, headers: ["Content-Type": "text/html; charset=utf-8"],
                                body: try templates.renderBytes(page.template, values))
        if page.holdsSecret { response.forbidCaching() }
        return response
    }

    /// The page for `error`; never fails (a broken error template falls back to text).
    func error(_ error: any HTTPResponseError, for request: Request) -> Response {
        let heading = Self.headings[error.status.code] ?? error.status.reason
        let page = Page("error", title: heading, status: error.status,
                        ["status": error.status.code, "heading": heading, "message": error.message])
        if let response = try? render(page, for: request) { return response }
        return Response(status: error.status, headers: ["Content-Type": "text/plain; charset=utf-8"],
                        body: Array("\(error.status)\n\(error.message)\n".utf8))
    }

    /// What an error page says in plain words, above the error's own message.
    static let headings = [
        400: "That request did not make sense",
        403: "Not allowed",
        404: "Page not found",
        405: "Nothing to open here",
        413: "Too much data",
        500: "Something went wrong",
        503: "Temporarily unavailable",
    ]
}
