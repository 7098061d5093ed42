import Foundation
import Shared
import Testing

/// The hand-written UUID text agrees with Foundation's, character for character.
@Suite struct UUIDTextTests {
    @Test func theTextIsFoundationsInEitherCaseAndReadsBackInEitherCase() {
        for uuid in (0..<2000).map({ $0 % 2 == 0 ? UUID() : UUIDv7.make() }) {
            #expect(uuid.lowercasedText == uuid.uuidString.lowercased())
            #expect(uuid.uppercasedText == uuid.uuidString)
            #expect(UUID(text: uuid.lowercasedText) == uuid)
            #expect(UUID(text: uuid.uuidString) == uuid)
        }
        let zero = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        #expect(zero.lowercasedText == "00000000-0000-0000-0000-000000000000")
        #expect(UUID(text: "FFFFFFFF-ffff-FFFF-ffff-FFFFFFFFFFFF")?.lowercasedText == "ffffffff-ffff-ffff-ffff-ffffffffffff")
    }

    @Test func anythingButTheCanonicalFormIsRefused() {
        let canonical = "4bf92f35-77b3-4da6-a3ce-929d0e0e4736"
        let malformed = [
            "", "4bf92f35", canonical + "0", String(canonical.dropLast()),
            "{4bf92f35-77b3-4da6-a3ce-929d0e0e4736}", "4bf92f3577b34da6a3ce929d0e0e4736",
            "4bf92f35-77b3-4da6-a3ce_929d0e0e4736", "4bf92f3-577b3-4da6-a3ce-929d0e0e4736",
            "4bf92f35-77b3-4da6-a3ce-929d0e0e473g", "4bf92f35-77b3-4da6-a3ce-929d0e0e473é",
        ]
        for text in malformed {
            #expect(UUID(text: text) == nil, "\(text)")
            #expect(UUID(uuidString: text) == nil, "Foundation agrees about \(text)")
        }
        #expect(UUID(text: canonical)?.lowercasedText == canonical)
        // Stricter than Foundation here: its sscanf skips a leading space inside the 36 characters.
        #expect(UUID(text: " 4bf92f35-77b3-4da6-a3ce-929d0e0e473") == nil)
    }

    @Test func aVersion7IdCarriesItsMillisecondVersionAndVariant() {
        let moment = Date(timeIntervalSince1970: 1_790_000_000.5)
        let millisecondHex = "01a0c4506df4"  // 1_790_000_000_500 ms, in the first 48 bits
        let ids = (0..<100).map { _ in UUIDv7.make(at: moment) }
        #expect(Set(ids).count == 100)
        for text in ids.map(\.lowercasedText).map(Array.init) {
            #expect(String(text[0..<8] + text[9..<13]) == millisecondHex)
            #expect(text[14] == "7")
            #expect("89ab".contains(text[19]))
        }
    }
}
