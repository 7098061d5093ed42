import Foundation
import Hummingbird
import NIOCore

/// A table answered as `text/csv` (RFC 4180: comma-separated, CRLF line ends, fields with a
/// comma, quote or line break in double quotes with quotes doubled), for reports that people
/// open in a spreadsheet.
public struct CSVTable: ResponseGenerator, Sendable {
    public let header: [String]
    public let rows: [[String]]
    /// The file name offered to a browser.
    public let filename: String

    public init(header: [String], rows: [[String]], filename: String) {
        self.header = header
        self.rows = rows
        self.filename = filename
    }

    /// The table as CSV text.
    public var text: String {
        ([header] + rows).map { $0.map(Self.field).joined(separator: ",") + "\r\n" }.joined()
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ByteBuffer(string: text)
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"",
                      .contentLength: String(body.readableBytes)],
            body: .init(byteBuffer: body))
    }

    /// A spreadsheet would run a field starting with `=`, `+`, `-` or `@` as a formula
    /// (CSV injection); such text fields get a leading apostrophe. Numbers pass unchanged.
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
