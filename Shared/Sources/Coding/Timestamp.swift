import Foundation

/// RFC 3339 timestamps in UTC with microsecond precision, as the wire format writes them and as
/// PostgreSQL prints `timestamptz` values.
///
/// Written by hand rather than with `ISO8601FormatStyle` because that style keeps only
/// milliseconds, and a timestamp that a client sends back (an `asOf`, a cursor) must name
/// exactly the microsecond PostgreSQL stored.
public enum Timestamp {
    /// Formats a date as `2026-01-31T12:00:00.123456Z`; years 0 to 9999, all that RFC 3339 writes.
    public static func format(_ date: Date) -> String {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        var seconds = time_t((totalMicros / 1_000_000).rounded(.down))
        let micros = Int(totalMicros - Double(seconds) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Digits written into one 27-byte buffer: String(format:), and later a concatenation of
        // padded pieces, dominated the cost of writing thousands of timestamps at once.
        return String(unsafeUninitializedCapacity: 27) { bytes in
            var offset = 0
            func put(_ value: Int, width: Int) {
                var rest = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                offset += width
            }
            func put(_ separator: Unicode.Scalar) {
                bytes[offset] = UInt8(ascii: separator)
                offset += 1
            }
            // RFC 3339 has no other years; a date outside them is written as the nearest one it has
            // rather than trapping on a negative digit.
            put(min(max(Int(parts.tm_year) + 1900, 0), 9999), width: 4); put("-"); put(Int(parts.tm_mon) + 1, width: 2); put("-")
            put(Int(parts.tm_mday), width: 2); put("T"); put(Int(parts.tm_hour), width: 2); put(":")
            put(Int(parts.tm_min), width: 2); put(":"); put(Int(parts.tm_sec), width: 2); put(".")
            put(micros, width: 6); put("Z")
            return offset
        }
    }

    /// The date rounded to the microsecond, the precision PostgreSQL and the wire keep, so that a
    /// value compares equal to itself after a round trip.
    public static func rounded(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
    }

    /// Parses `2026-01-31T12:00:00Z`, `2026-01-31T12:00:00.5+02:00` or PostgreSQL's
    /// `2026-01-31 12:00:00.123456+00`: date, `T` or a space, time, optional fraction, and an offset.
    /// - Returns: the date, or `nil` when the text is not such a timestamp.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + digits] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }

        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }

        var offsetSeconds = 0
        guard index < bytes.count else { return nil }
        if expect("Zz") {
            offsetSeconds = 0
        } else {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let offsetHours = number(2) else { return nil }
            var offsetMinutes = 0
            if index < bytes.count {
                _ = expect(":")
                guard let minutes = number(2) else { return nil }
                offsetMinutes = minutes
            }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard index == bytes.count else { return nil }

        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epochSeconds = timegm(&parts)
        // Rounded to the microsecond, the precision PostgreSQL keeps, so that formatting and
        // parsing give back the same text.
        let micros = (fraction * 1_000_000).rounded() / 1_000_000
        return Date(timeIntervalSince1970: Double(epochSeconds - offsetSeconds) + micros)
    }
}
