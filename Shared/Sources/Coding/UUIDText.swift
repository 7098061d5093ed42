import Foundation

/// The text form of UUIDs, written and read by hand.
///
/// Foundation's `uuidString` formats with `snprintf` and `UUID(uuidString:)` parses with `sscanf`;
/// together they were a tenth of the ledger's time writing a batch of transfers, which turns
/// tens of thousands of ids into text for PostgreSQL and the events and back.
extension UUID {
    /// The canonical lower-case form, `8-4-4-4-12` hex digits: what PostgreSQL prints and what
    /// the events carry.
    public var lowercasedText: String { text(digits: HexDigits.lowercase) }

    /// The canonical upper-case form: what Foundation's `uuidString`, and so `JSONEncoder`, writes.
    public var uppercasedText: String { text(digits: HexDigits.uppercase) }

    private func text(digits: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            withUnsafeBytes(of: uuid) { bytes in
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = digits[Int(byte >> 4)]
                    buffer[position + 1] = digits[Int(byte & 0x0F)]
                    position += 2
                }
            }
            return position
        }
    }

    /// Parses the canonical form in either case: 36 characters with hyphens after the 8th, 12th,
    /// 16th and 20th hex digit. Anything else is `nil`: stricter than `UUID(uuidString:)`, whose
    /// `sscanf` lets a space stand before a group.
    public init?(text: some StringProtocol) {
        guard text.utf8.count == 36 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var high: UInt8?
        var count = 0
        for character in text.utf8 {
            count += 1
            if count == 9 || count == 14 || count == 19 || count == 24 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let value = HexDigits.value(character) else { return nil }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        guard count == 36, bytes.count == 16 else { return nil }
        self.init(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                         bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
