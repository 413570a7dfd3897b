import Foundation
import Mustache

/// The page templates, parsed once at start; Mustache syntax, HTML-escaped by default.
public struct Templates: Sendable {
    private let library: MustacheLibrary
    private let compiled = CompiledPages()

    /// Templates from `name → Mustache text`; a syntax error names the template.
    public init(sources: [String: String]) throws {
        var library = MustacheLibrary()
        for (name, text) in sources {
            do {
                try library.register(text, named: name)
            } catch {
                throw TemplateError.invalid(name: name, reason: "\(error)")
            }
        }
        self.library = library
    }

    /// Every `*.mustache` file of `directory`, named by file name without extension.
    public init(directory: String) throws {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "mustache" }
        } catch {
            throw TemplateError.unreadable(directory)
        }
        var sources: [String: String] = [:]
        for file in files {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { throw TemplateError.unreadable(file.path) }
            sources[file.deletingPathExtension().lastPathComponent] = text
        }
        try self.init(sources: sources)
    }

    /// Whether a template of that name exists.
    public func contains(_ name: String) -> Bool {
        library.getTemplate(named: name) != nil
    }

    /// `name` rendered over `context` (dictionaries, arrays, strings, numbers, booleans).
    public func render(_ name: String, _ context: [String: Any]) throws -> String {
        String(decoding: try renderBytes(name, context), as: UTF8.self)
    }

    /// `name` rendered over `context`, as the UTF-8 bytes of a response body.
    public func renderBytes(_ name: String, _ context: [String: Any]) throws -> [UInt8] {
        try compiled.render(name, context, using: renderUncompiled)
    }

    /// `name` rendered by Mustache itself, every time.
    func renderUncompiled(_ name: String, _ context: [String: Any]) throws -> String {
        guard let text = library.render(context, withTemplate: name) else { throw TemplateError.missing(name) }
        return text
    }
}

/// Why the templates could not be loaded or rendered.
public enum TemplateError: Error, Equatable, CustomStringConvertible {
    case missing(String)
    case invalid(name: String, reason: String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .missing(let name): "no template named \(name)"
        case .invalid(let name, let reason): "template \(name) is invalid: \(reason)"
        case .unreadable(let path): "cannot read templates from \(path)"
        }
    }
}
