import Foundation
import Shared

/// Renders a message as an RFC 5322 / MIME document, the form both SMTP's DATA and a .eml file take.
///
/// Header values are RFC 2047-encoded when they are not plain ASCII; bodies are quoted-printable,
/// so the document is 7-bit clean and still readable; lines end in CRLF.
enum MIMEDocument {
    static func render(_ message: MailMessage, from: String, messageID: String, date: Date) -> String {
        var headers = [
            "From: \(from)",
            "To: \(message.to)",
            "Subject: \(encodedWord(message.subject))",
            "Date: \(rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        let body: String
        if let html = message.html {
            let boundary = "azora-\(messageID.prefix(24))"
            headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            body = [
                "--\(boundary)", textPartHeaders("text/plain"), "", quotedPrintable(message.text),
                "--\(boundary)", textPartHeaders("text/html"), "", quotedPrintable(html),
                "--\(boundary)--", "",
            ].joined(separator: "\r\n")
        } else {
            headers.append(textPartHeaders("text/plain"))
            body = quotedPrintable(message.text) + "\r\n"
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    private static func textPartHeaders(_ type: String) -> String {
        "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
    }

    /// RFC 2047 `=?utf-8?B?…?=` for values that are not printable ASCII, else the value itself.
    static func encodedWord(_ value: String) -> String {
        let plain = value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        return plain ? value : "=?utf-8?B?\(Data(value.utf8).base64EncodedString())?="
    }

    /// RFC 2045 quoted-printable: lines of at most 76 characters, CRLF line ends.
    static func quotedPrintable(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { line -> String in
            var encoded = ""
            var width = 0
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || (byte == 0x20 && !isLast)
                let piece = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                if width + piece.count > 75 {
                    encoded += "=\r\n"
                    width = 0
                }
                encoded += piece
                width += piece.count
            }
            return encoded
        }.joined(separator: "\r\n")
    }

    private static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// Decodes a quoted-printable body back to text (for tests and the mail-drop reader).
    static func decodeQuotedPrintable(_ body: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(body.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "="), index + 2 < source.count,
               let value = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
