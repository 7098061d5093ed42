import Foundation
import Testing

@testable import Shared

@Suite struct Base64URLTests {
    /// RFC 4648 §5: `-` and `_` for base64's `+` and `/`, and no padding.
    @Test func bytesAreWrittenWithTheURLAlphabetAndNoPadding() throws {
        #expect(Data([0xFB, 0xFF]).base64URLEncodedString() == "-_8")
        #expect(Data("foobar".utf8).base64URLEncodedString() == "Zm9vYmFy")
        #expect(Data("fooba".utf8).base64URLEncodedString() == "Zm9vYmE")
        #expect(Data().base64URLEncodedString() == "")
        for count in 0..<40 {
            let bytes = Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 251) })
            #expect(Data(base64URLEncoded: bytes.base64URLEncodedString()) == bytes)
        }
    }
}
