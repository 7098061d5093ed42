import Foundation

/// A one-page PDF 1.7 document of centred text lines in the standard Helvetica fonts, which every
/// PDF reader has built in, so nothing needs embedding.
///
/// Small on purpose: a certificate is a handful of lines. Text is encoded as WinAnsi (Latin-1
/// plus a few typographic characters); a character outside it is written as `?`, so names in
/// other scripts appear only in the signed credential, not on the page (see README).
struct PDFPage {
    enum Font: String {
        case regular = "F1"
        case bold = "F2"
    }

    /// A line of text centred on the page, `baseline` points from the bottom.
    struct Line {
        let text: String
        let font: Font
        let size: Double
        let baseline: Double
    }

    /// A rectangle outline, for the certificate's frame.
    struct Frame {
        let inset: Double
        let width: Double
    }

    /// A4 landscape, in points.
    static let width = 842.0
    static let height = 595.0
    /// The widest a line may be, inside the frame's margins.
    static let textWidth = width - 2 * 48

    var title: String
    var lines: [Line] = []
    var frames: [Frame] = []

    /// The document's bytes.
    func render(createdAt: Date) -> Data {
        var content = Data()
        for frame in frames {
            content += Data(("\(number(frame.width)) w \(number(frame.inset)) \(number(frame.inset)) "
                + "\(number(Self.width - 2 * frame.inset)) \(number(Self.height - 2 * frame.inset)) re S\n").utf8)
        }
        for line in lines {
            let encoded = WinAnsi.encode(line.text)
            // A line too long for the page is set smaller rather than cut off.
            let naturalWidth = Helvetica.width(of: encoded, bold: line.font == .bold) * line.size / 1000
            let size = naturalWidth > Self.textWidth ? line.size * Self.textWidth / naturalWidth : line.size
            let x = (Self.width - min(naturalWidth, Self.textWidth)) / 2
            content += Data("BT /\(line.font.rawValue) \(number(size)) Tf \(number(x)) \(number(line.baseline)) Td ".utf8)
            content += Self.literal(encoded) + Data(" Tj ET\n".utf8)
        }
        let objects: [Data] = [
            Data("<< /Type /Catalog /Pages 2 0 R >>".utf8),
            Data("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
            Data(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(number(Self.width)) \(number(Self.height))] "
                + "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>").utf8),
            Data("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".utf8),
            Data("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".utf8),
            Data("<< /Length \(content.count) >>\nstream\n".utf8) + content + Data("\nendstream".utf8),
            Data("<< /Title ".utf8) + Self.literal(WinAnsi.encode(title)) + Data(" /Producer (Azora) /CreationDate (D:\(Self.pdfDate(createdAt))) >>".utf8),
        ]
        // Header, with a comment of high bytes so that tools treat the file as binary.
        var document = Data("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(document.count)
            document += Data("\(index + 1) 0 obj\n".utf8) + object + Data("\nendobj\n".utf8)
        }
        let xref = document.count
        // Each cross-reference entry is exactly 20 bytes, its end of line included.
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info \(objects.count) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return document + Data(table.utf8)
    }

    /// A PDF literal string, `(…)`, with its delimiters and backslashes escaped.
    private static func literal(_ bytes: [UInt8]) -> Data {
        var out: [UInt8] = [UInt8(ascii: "(")]
        for byte in bytes {
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        out.append(UInt8(ascii: ")"))
        return Data(out)
    }

    private static func pdfDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMddHHmmss"
        return formatter.string(from: date) + "Z"
    }

    private func number(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}

/// PDF's WinAnsiEncoding: Latin-1 for U+00A0…U+00FF and ASCII, plus the typographic characters
/// that Windows-1252 puts in 0x80…0x9F.
enum WinAnsi {
    private static let high: [Character: UInt8] = [
        "€": 0x80, "‚": 0x82, "ƒ": 0x83, "„": 0x84, "…": 0x85, "†": 0x86, "‡": 0x87, "ˆ": 0x88, "‰": 0x89,
        "Š": 0x8A, "‹": 0x8B, "Œ": 0x8C, "Ž": 0x8E, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "•": 0x95,
        "–": 0x96, "—": 0x97, "˜": 0x98, "™": 0x99, "š": 0x9A, "›": 0x9B, "œ": 0x9C, "ž": 0x9E, "Ÿ": 0x9F,
    ]

    static func encode(_ text: String) -> [UInt8] {
        text.precomposedStringWithCanonicalMapping.map { character in
            if let byte = high[character] { return byte }
            guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return UInt8(ascii: "?") }
            switch scalar.value {
            case 0x20...0x7E, 0xA0...0xFF: return UInt8(scalar.value)
            default: return UInt8(ascii: "?")
            }
        }
    }
}
