import Testing
import Web
@testable import App

struct ErrorPageTests {
    @Test(arguments: [HTTPStatus.badRequest, .forbidden, .notFound, .methodNotAllowed, .contentTooLarge, .internalServerError])
    func eachErrorHasAStyledPageInPlainWords(_ status: HTTPStatus) throws {
        let app = try TestApp()
        let response = app.worker.respond(to: HTTPError(status, message: "A message for people."), for: Request(path: "/x"))
        #expect(response.status == status)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.headers["Content-Security-Policy"] != nil)
        let heading = try #require(Pages.headings[status.code])
        #expect(response.text.contains("<title>\(heading) · totpgate</title>"))
        #expect(response.text.contains("<p class=\"status\">Error \(status.code)</p>"))
        #expect(response.text.contains("<p class=\"lead\">A message for people.</p>"))
        #expect(response.text.contains("href=\"/static/totpgate.css\""))
        #expect(response.text.contains("<body class=\"page-error\">"))
    }

    /// A reloaded form address, or a form sent to a page: the 405 page says what
    /// to do in words people use, never a method's name; the header says which methods.
    @Test(arguments: [
        (HTTPMethod.post, "/home", "GET, HEAD", "This page cannot receive a form."),
        (.get, "/login", "POST", "it is not a page to open. Start again from the sign-in page."),
        (.get, "/logout/everywhere", "POST", "it is not a page to open."),
    ])
    func aWrongMethodSpeaksToPeople(_ method: HTTPMethod, _ path: String, _ allowed: String, _ message: String) throws {
        let response = try TestApp().worker.respond(to: Request(method: method, path: path))
        #expect(response.status == .methodNotAllowed)
        #expect(response.text.contains("Nothing to open here"))
        #expect(response.text.contains(message))
        for name in ["GET", "POST", "HEAD", "method"] { #expect(!response.text.contains(name)) }
        #expect(response.headers["Allow"] == allowed)
    }
}

struct BrandingTests {
    @Test func showsTheNameAndNoLogoByDefault() throws {
        let page = try TestApp().get("/")
        #expect(page.text.contains("<a class=\"brand\" href=\"/\">totpgate</a>"))
        #expect(!page.text.contains("class=\"logo\""))
    }

    @Test func showsTheConfiguredNameAndLogo() throws {
        let app = try TestApp {
            $0.appName = "Example & Co"
            $0.logoPath = "/static/logo.svg"
        }
        let page = app.get("/")
        #expect(page.text.contains("<img class=\"logo\" src=\"/static/logo.svg\" alt=\"\">Example &amp; Co</a>"))
        #expect(page.text.contains("<title>Sign in · Example &amp; Co</title>"))
    }
}
