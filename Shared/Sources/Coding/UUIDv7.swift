import Foundation

/// UUID version 7 (RFC 9562): a millisecond timestamp followed by random bits, so that ids a
/// service creates sort by creation time and index well.
public enum UUIDv7 {
    /// A new version 7 UUID for the current time.
    public static func make(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(at: date, using: &generator)
    }

    /// A new version 7 UUID for the current time, its random bits drawn from `generator`.
    public static func make(at date: Date = Date(), using generator: inout some RandomNumberGenerator) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index)))
        }
        // Two draws of 64 bits, not ten of 8: with the system's generator each draw is a
        // getrandom system call, and a batch of transfers makes thousands of these ids.
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        for index in 6..<8 { bytes[index] = UInt8(truncatingIfNeeded: high >> (8 * (index - 6))) }
        for index in 8..<16 { bytes[index] = UInt8(truncatingIfNeeded: low >> (8 * (index - 8))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
