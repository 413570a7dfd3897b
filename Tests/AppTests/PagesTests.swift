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

    @Test func aWrongMethodSaysWhichAreAllowed() throws {
        let response = try TestApp().worker.respond(to: Request(method: .post, path: "/home"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.text.contains("Not possible here"))
        #expect(response.headers["Allow"] == "GET, HEAD")
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
