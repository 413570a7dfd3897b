import Foundation
import TestSupport
import Testing
@testable import QRImage

/// The chunks of a PNG file, checked for framing, and its IHDR fields.
struct PNGFile {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    var chunkTypes: [String] = []
    var width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0

    init(_ bytes: [UInt8]) throws {
        try #require(Array(bytes.prefix(8)) == Self.signature)
        func integer(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8
        while offset < bytes.count {
            try #require(offset + 12 <= bytes.count, "a chunk runs past the end")
            let length = integer(offset)
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            try #require(offset + 12 + length <= bytes.count, "chunk \(type) runs past the end")
            if type == "IHDR" {
                width = integer(offset + 8)
                height = integer(offset + 12)
                (bitDepth, colorType, interlace) = (Int(bytes[offset + 16]), Int(bytes[offset + 17]), Int(bytes[offset + 20]))
            }
            chunkTypes.append(type)
            offset += 12 + length
        }
    }
}

struct PNGTests {
    @Test(arguments: ProvisioningURIs.all)
    func zbarimgReadsBackTheExactURI(_ uri: String) throws {
        let png = try QRCode(encoding: uri).pngData()
        #expect(try decodeQR(png: png) == uri)
    }

    @Test(arguments: [1, 3, QRCode.defaultScale])
    func everyPixelIsTheColourOfItsModuleWithTheQuietZone(_ scale: Int) throws {
        let code = try QRCode(encoding: ProvisioningURIs.benchmark)
        let png = try PNGPixels(code.pngData(scale: scale))
        let side = code.size + 8
        try #require(png.width == side * scale && png.height == side * scale)
        for y in 0..<png.height {
            for x in 0..<png.width {
                #expect(png.isBlack(x: x, y: y) == code.isDark(withQuietZone: y / scale, x / scale), "pixel \(x), \(y)")
            }
        }
    }

    @Test(arguments: [2, QRCode.defaultScale, 11, QRCode.scales.upperBound])
    func zbarimgReadsItAtEveryScale(_ scale: Int) throws {
        let png = try QRCode(encoding: ProvisioningURIs.benchmark).pngData(scale: scale)
        #expect(try decodeQR(png: png) == ProvisioningURIs.benchmark)
    }

    @Test(arguments: [1, 3, QRCode.defaultScale, 13, 32])
    func headerDescribesAOneBitGreyscaleSquareWithTheQuietZone(_ scale: Int) throws {
        let code = try QRCode(encoding: ProvisioningURIs.benchmark)
        let png = try PNGFile(code.pngData(scale: scale))
        #expect(png.chunkTypes.first == "IHDR")
        #expect(png.chunkTypes.last == "IEND")
        #expect(png.chunkTypes.contains("IDAT"))
        #expect(png.width == (code.size + 8) * scale)
        #expect(png.height == png.width)
        #expect(png.bitDepth == 1)
        #expect(png.colorType == 0)
        #expect(png.interlace == 0)
    }

    @Test(arguments: [0, -1, 33, 1000])
    func refusesAScaleOutOfRange(_ scale: Int) throws {
        let code = try QRCode(encoding: ProvisioningURIs.benchmark)
        #expect(throws: QRCode.Error.invalidScale(scale)) { try code.pngData(scale: scale) }
    }

    @Test func theLargestSymbolRenders() throws {
        let code = try QRCode(encoding: String(repeating: "Z", count: QRCode.maximumBytes))
        let png = try PNGFile(code.pngData(scale: 2))
        #expect(png.width == (177 + 8) * 2)
    }
}
