/// Glyph widths of the standard Helvetica fonts (Adobe's AFM metrics, in thousandths of the
/// font size), so that lines can be centred without embedding a font.
enum Helvetica {
    /// Widths of the printable ASCII characters, space (0x20) to tilde (0x7E).
    private static let regular: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]
    private static let bold: [Int] = [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    ]

    /// The width of WinAnsi-encoded text in thousandths of the font size. Accented and other
    /// non-ASCII letters count as an average lowercase letter, close enough for centring.
    static func width(of bytes: [UInt8], bold isBold: Bool) -> Double {
        let table = isBold ? bold : regular
        return Double(bytes.reduce(0) { total, byte in
            total + ((0x20...0x7E).contains(byte) ? table[Int(byte) - 0x20] : 556)
        })
    }
}
