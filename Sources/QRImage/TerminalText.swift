extension QRCode {
    /// The symbol, quiet zone included, as lines of Unicode half blocks, each
    /// character two modules tall, so it keeps its square shape in a terminal.
    ///
    /// Blocks are drawn in the terminal's text colour and scanners want dark
    /// modules on light ground, so by default the blocks draw the *light*
    /// modules, for the usual light-on-dark terminal; `invert` draws the dark
    /// modules instead, for dark text on a light background.
    public func terminalText(invert: Bool = false) -> String {
        let side = sideWithQuietZone
        // Below the last row (the side is odd) nothing is drawn: the terminal's own background.
        func inked(_ row: Int, _ column: Int) -> Bool {
            row < side && isDark(withQuietZone: row, column) == invert
        }
        var text = ""
        for row in stride(from: 0, to: side, by: 2) {
            for column in 0..<side {
                switch (inked(row, column), inked(row + 1, column)) {
                case (true, true): text += "█"
                case (true, false): text += "▀"
                case (false, true): text += "▄"
                case (false, false): text += " "
                }
            }
            text += "\n"
        }
        return text
    }
}
