/// Splits a byte stream into server-sent events as the bytes arrive, as the WHATWG HTML
/// standard's event-stream parsing says: lines end in LF, CRLF or CR; an empty line ends an
/// event; lines starting with `:` are comments (keep-alives); one space after the field's colon
/// is dropped; `id:` and `retry:` are ignored (nobody reconnects to a model's answer). A line cut
/// between two reads, even inside a UTF-8 sequence or between CR and LF, waits for its end.
struct ServerSentEventParser {
    private var line: [UInt8] = []
    private var afterCR = false
    private var name: String?
    private var dataLines: [String] = []
    private var hasData = false

    /// The events the bytes complete.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                afterCR = byte == UInt8(ascii: "\r")
                if let event = endLine() { events.append(event) }
            } else {
                line.append(byte)
            }
        }
        return events
    }

    /// The last event when the stream ended without the blank line that should close it: some
    /// servers omit it, and the event is complete in all but form.
    mutating func finish() -> [ServerSentEvent] {
        if !line.isEmpty { _ = endLine() }
        afterCR = false
        return dispatch().map { [$0] } ?? []
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else { return dispatch() }
        guard line[0] != UInt8(ascii: ":") else { return nil }
        let field: String
        var value = ""
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: line[..<colon], as: UTF8.self)
            var start = colon + 1
            if start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
            value = String(decoding: line[start...], as: UTF8.self)
        } else {
            field = String(decoding: line, as: UTF8.self)
        }
        switch field {
        case "data":
            dataLines.append(value)
            hasData = true
        case "event":
            name = value
        default:
            break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            name = nil
            dataLines.removeAll(keepingCapacity: true)
            hasData = false
        }
        guard hasData else { return nil }
        // Nearly every event has one data line, which needs no joining.
        let data = dataLines.count == 1 ? dataLines[0] : dataLines.joined(separator: "\n")
        return ServerSentEvent(name: name.flatMap { $0.isEmpty ? nil : $0 }, data: data)
    }
}
