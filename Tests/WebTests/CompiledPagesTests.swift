import Foundation
import Testing
@testable import Web

struct CompiledPagesTests {
    static let templates: Templates = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../www/templates").standardized.path
        return try! Templates(directory: directory)
    }()

    static let hostile = "<script>alert('x')</script> & \"quotes\" \u{E000}0&\u{E001} ünï"

    /// Values of every kind the pages get, including empty, hostile and marker-like strings.
    nonisolated(unsafe) static let contexts: [[String: Any]] = [
        ["title": "Sign in", "base": "", "appName": "totpgate", "csrf": "tok", "rd": "", "flash": false],
        ["title": "Sign in", "base": "/2fa", "appName": hostile, "csrf": "tok2", "rd": "/a?b=1&c=2", "flash": "Invalid username, password or code"],
        ["title": hostile, "base": "/x", "appName": "A", "csrf": hostile, "rd": hostile, "flash": hostile, "username": hostile],
        ["title": "Home", "base": "", "appName": "totpgate", "csrf": "", "flash": "", "username": "bob"],
    ]

    @Test(arguments: ["login", "code", "home", "error"])
    func matchesMustacheForEveryShape(_ name: String) throws {
        for context in Self.contexts {
            // Twice: the first compiles the shape, the second fills it in.
            for _ in 0..<2 {
                #expect(try Self.templates.render(name, context) == Self.templates.renderUncompiled(name, context))
            }
        }
    }

    @Test func listsAreRenderedDirectly() throws {
        let templates = try Templates(sources: ["page": "{{#codes}}<li>{{.}}</li>{{/codes}}"])
        #expect(try templates.render("page", ["codes": ["a<b", "c"]]) == "<li>a&lt;b</li><li>c</li>")
        #expect(try templates.render("page", ["codes": ["d"]]) == "<li>d</li>")
    }

    @Test func tripleMustacheStaysRaw() throws {
        let templates = try Templates(sources: ["page": "{{a}}|{{{a}}}|{{#a}}[{{a}}]{{/a}}{{^a}}none{{/a}}"])
        #expect(try templates.render("page", ["a": "<b>"]) == "&lt;b&gt;|<b>|[&lt;b&gt;]")
        #expect(try templates.render("page", ["a": "x&y"]) == "x&amp;y|x&y|[x&amp;y]")
        for value in ["", "x", "<"] {
            #expect(try templates.render("page", ["a": value]) == templates.renderUncompiled("page", ["a": value]))
        }
    }
}
