import Foundation
import Testing
@testable import Web

struct TemplatesTests {
    @Test func escapesHTMLByDefault() throws {
        let templates = try Templates(sources: ["page": "<p>{{name}}</p>"])
        let html = try templates.render("page", ["name": "<script>alert('x')</script>&\""])
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(html.contains("&amp;"))
        #expect(html.contains("&quot;"))
    }

    @Test func rendersPartialsAndSections() throws {
        let templates = try Templates(sources: ["head": "[{{title}}]", "page": "{{> head}}{{#items}}<{{.}}>{{/items}}"])
        #expect(try templates.render("page", ["title": "T", "items": ["a", "b"]]) == "[T]<a><b>")
    }

    @Test func aMissingTemplateIsAnError() throws {
        #expect(throws: TemplateError.missing("nope")) { try Templates(sources: [:]).render("nope", [:]) }
    }

    @Test func aSyntaxErrorNamesTheTemplate() {
        #expect(throws: TemplateError.self) { try Templates(sources: ["bad": "{{#open}}never closed"]) }
    }
}
