import Foundation

/// A Swift source file taken apart far enough to tell code from text: `code` is the file with
/// every comment and the contents of every string literal blanked out (line breaks kept, so an
/// offset in it is on the same line as in the file; interpolated code stays), and `literals`
/// are the strings' texts, each with the line it starts on and `_` for each interpolation.
///
/// It is a lexer, not a parser: enough to search code without being fooled by a comment or a
/// message that mentions SQL, and to read the SQL a literal holds. It knows `//` and nested
/// `/* */` comments, single-line, multi-line (`"""`) and raw (`#"…"#`) strings, escapes, and
/// interpolations with strings of their own inside.
struct SwiftSourceText {
    struct Literal: Equatable {
        let line: Int
        let text: String
    }

    private(set) var code: String = ""
    private(set) var literals: [Literal] = []
    /// Where each line starts in `code`, in UTF-16 offsets (what `NSRegularExpression` counts).
    private var lineStarts: [Int] = [0]

    init(_ source: String) {
        var reader = Reader(bytes: Array(source.utf8))
        reader.readCode(untilClosingParenthesis: false)
        code = String(decoding: reader.output, as: UTF8.self)
        literals = reader.literals
        var offset = 0
        for unit in code.utf16 {
            offset += 1
            if unit == 0x0A { lineStarts.append(offset) }
        }
    }

    /// The 1-based line of a UTF-16 offset in `code`.
    func line(ofOffset offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// Walks the bytes once, copying code and blanking the rest.
    private struct Reader {
        let bytes: [UInt8]
        var position = 0
        var line = 1
        var output: [UInt8] = []
        var literals: [Literal] = []

        init(bytes: [UInt8]) {
            self.bytes = bytes
            output.reserveCapacity(bytes.count)
        }

        private static let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), quote = UInt8(ascii: "\""),
                           slash = UInt8(ascii: "/"), star = UInt8(ascii: "*"), hash = UInt8(ascii: "#"),
                           backslash = UInt8(ascii: "\\"), open = UInt8(ascii: "("), close = UInt8(ascii: ")")

        private func peek(_ ahead: Int = 0) -> UInt8? {
            position + ahead < bytes.count ? bytes[position + ahead] : nil
        }

        private func starts(with text: String, at offset: Int = 0) -> Bool {
            let pattern = Array(text.utf8)
            guard position + offset + pattern.count <= bytes.count else { return false }
            return bytes[(position + offset)..<(position + offset + pattern.count)].elementsEqual(pattern)
        }

        /// Copies a byte of code.
        private mutating func keep() {
            let byte = bytes[position]
            if byte == Self.newline { line += 1 }
            output.append(byte)
            position += 1
        }

        /// Blanks a byte of a comment or a string, keeping line breaks.
        private mutating func blank() {
            let byte = bytes[position]
            if byte == Self.newline { line += 1 }
            output.append(byte == Self.newline ? Self.newline : Self.space)
            position += 1
        }

        /// Code, up to the end of the file or, inside an interpolation, its closing parenthesis
        /// (which is left for the caller).
        mutating func readCode(untilClosingParenthesis: Bool) {
            var depth = 0
            while let byte = peek() {
                if byte == Self.slash, peek(1) == Self.slash {
                    while let next = peek(), next != Self.newline { _ = next; blank() }
                } else if byte == Self.slash, peek(1) == Self.star {
                    readBlockComment()
                } else if byte == Self.quote || (byte == Self.hash && rawStringHashes() != nil) {
                    readString()
                } else if byte == Self.open {
                    depth += 1
                    keep()
                } else if byte == Self.close {
                    if untilClosingParenthesis && depth == 0 { return }
                    depth -= 1
                    keep()
                } else {
                    keep()
                }
            }
        }

        private mutating func readBlockComment() {
            var depth = 0
            repeat {
                if starts(with: "/*") {
                    depth += 1
                    blank(); blank()
                } else if starts(with: "*/") {
                    depth -= 1
                    blank(); blank()
                } else {
                    blank()
                }
            } while depth > 0 && position < bytes.count
        }

        /// The number of `#` before a raw string's quote, if a raw string starts here.
        private func rawStringHashes() -> Int? {
            var count = 0
            while peek(count) == Self.hash { count += 1 }
            return peek(count) == Self.quote ? count : nil
        }

        private mutating func readString() {
            let hashes = rawStringHashes() ?? 0
            for _ in 0..<hashes { keep() }
            let multiline = starts(with: "\"\"\"")
            let delimiter = (multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
            for _ in 0..<(multiline ? 3 : 1) { keep() }
            let startLine = line
            // Reserved now, so that a literal comes before those interpolated into it.
            let index = literals.count
            literals.append(Literal(line: startLine, text: ""))
            // A multi-line literal's text starts on the line after its delimiter.
            if multiline && peek() == Self.newline { blank() }
            var text: [UInt8] = []
            let escape = [Self.backslash] + Array(repeating: Self.hash, count: hashes)
            while position < bytes.count {
                if starts(with: delimiter) {
                    for _ in 0..<delimiter.utf8.count { keep() }
                    break
                }
                if bytes[position...].starts(with: escape) {
                    if peek(escape.count) == Self.open {
                        // An interpolation: code, with strings of its own.
                        for _ in 0..<escape.count { blank() }
                        keep()
                        readCode(untilClosingParenthesis: true)
                        if position < bytes.count { keep() }
                        text.append(UInt8(ascii: "_"))
                        continue
                    }
                    for _ in 0..<escape.count { blank() }
                    if position < bytes.count {
                        text.append(bytes[position])
                        blank()
                    }
                    continue
                }
                if !multiline && bytes[position] == Self.newline { break }
                text.append(bytes[position])
                blank()
            }
            literals[index] = Literal(line: startLine, text: String(decoding: text, as: UTF8.self))
        }
    }
}
