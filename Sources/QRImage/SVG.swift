extension QRCode {
    /// The symbol as an SVG document: a white square the size of the symbol
    /// and its quiet zone, and one black path of a rectangle per run of dark
    /// modules, in a `viewBox` one unit per module. `scale` sets the
    /// document's width and height in pixels per module; it scales cleanly to
    /// any size, and `crispEdges` keeps modules from blurring into each other.
    public func svg(scale: Int = QRCode.defaultScale) throws -> String {
        try Self.checkScale(scale)
        let side = sideWithQuietZone
        var path = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard self[row, column] else { column += 1; continue }
                let start = column
                while column < size && self[row, column] { column += 1 }
                let run = column - start
                path += "M\(start + Self.quietZone) \(row + Self.quietZone)h\(run)v1h-\(run)z"
            }
        }
        let pixels = side * scale
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path d="\(path)" fill="#000"/></svg>

            """
    }
}
