import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import QRImage

/// The elements of an XML document with their attributes, as XMLParser reads them.
final class XMLElements: NSObject, XMLParserDelegate {
    private(set) var elements: [(name: String, attributes: [String: String])] = []

    init(_ text: String) throws {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        try #require(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String]) {
        elements.append((name, attributes))
    }

    func named(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
}

// The SVG is checked module by module rather than through zbarimg: zbarimg
// rasterises SVG with ImageMagick, which smears any drawing scaled by a viewBox
// or transform (even plain rectangles), while browsers draw it exactly.
struct SVGTests {
    @Test(arguments: ProvisioningURIs.all)
    func pathDrawsExactlyTheDarkModules(_ uri: String) throws {
        let code = try QRCode(encoding: uri)
        let xml = try XMLElements(code.svg())
        let paths = xml.named("path")
        try #require(paths.count == 1)
        let side = code.size + 8
        // Each run of dark modules is a one-module-high rectangle "Mx yhNv1h-Nz", in viewBox units.
        var dark = Set<[Int]>()
        let run = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/
        let d = try #require(paths[0]["d"])
        #expect(d.replacing(run, with: "").isEmpty, "the path holds only module runs")
        for match in d.matches(of: run) {
            let (x, y, width) = (Int(match.1)!, Int(match.2)!, Int(match.3)!)
            #expect(match.3 == match.4)
            for column in x..<x + width { #expect(dark.insert([y, column]).inserted, "module drawn twice") }
        }
        for row in 0..<side {
            for column in 0..<side {
                #expect(dark.contains([row, column]) == code.isDark(withQuietZone: row, column), "module \(row), \(column)")
            }
        }
    }

    @Test(arguments: [1, QRCode.defaultScale, 20])
    func documentIsASquareOfModulesWithAWhiteQuietZone(_ scale: Int) throws {
        let code = try QRCode(encoding: ProvisioningURIs.benchmark)
        let xml = try XMLElements(code.svg(scale: scale))
        let side = code.size + 8
        #expect(xml.elements.map(\.name) == ["svg", "rect", "path"])
        let svg = try #require(xml.named("svg").first)
        #expect(svg["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(svg["viewBox"] == "0 0 \(side) \(side)")
        #expect(svg["width"] == "\(side * scale)")
        #expect(svg["height"] == "\(side * scale)")
        #expect(svg["shape-rendering"] == "crispEdges")
        let background = try #require(xml.named("rect").first)
        #expect(background["width"] == "\(side)" && background["height"] == "\(side)" && background["fill"] == "#fff")
        #expect(background["x"] == nil && background["y"] == nil)
        #expect(xml.named("path").first?["fill"] == "#000")
    }

    @Test func refusesAScaleOutOfRange() throws {
        #expect(throws: QRCode.Error.invalidScale(0)) { try QRCode(encoding: "x").svg(scale: 0) }
    }
}
