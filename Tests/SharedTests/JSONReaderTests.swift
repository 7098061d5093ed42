import Foundation
import Shared
import Testing

/// The hand-written reader must read what Foundation's decoder reads, the same way, and refuse
/// what RFC 8259 refuses, saying where.
@Suite struct JSONReaderTests {
    @Test func whatIsWrittenReadsBackAsItself() throws {
        #expect(try JSONReader.parse(JSONText.write(JSONTextTests.awkward)) == JSONTextTests.awkward)
    }

    @Test func itReadsWhatFoundationReads() throws {
        let texts = [
            #"  {"a" : [ 1 , -2.5e3 , 0.125, 1E+2, -0 ] , "b":{"c":null,"d":true,"e":false}, "f": ""}  "#,
            #"["\u00e9\u6f22 \ud83c\udf93 \" \\ \/ \b \f \n \r \t", "é 漢 🎓"]"#,
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}"#,
            "9007199254740993", "\"plain\"", "[]", "{}", "[[[[]]]]",
        ]
        for text in texts {
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(try JSONReader.parse(text) == foundation, "\(text)")
        }
    }

    @Test func aDuplicateMemberKeepsTheLastValue() throws {
        #expect(try JSONReader.parse(#"{"a":1,"a":2}"#) == ["a": 2])
    }

    @Test func malformedTextIsRefusedWithItsOffset() {
        let refused: [(String, Int)] = [
            ("", 0), ("   ", 3), ("{", 1), (#"{"a":1,}"#, 7), ("[1,]", 3), ("[1 2]", 3), ("01", 1), ("-", 1), ("1.", 2),
            ("1e", 2), (".5", 0), ("+1", 0), ("tru", 3), ("nul", 3), ("{a:1}", 1), (#"{"a" 1}"#, 5), (#""abc"#, 4),
            ("\"tab\there\"", 4), (#""\x""#, 2), (#""\u12g4""#, 5), (#""\ud83c""#, 7), (#""\udf93""#, 7), ("1e999", 0),
            (#"{"a":1} x"#, 8), ("[1]]", 3),
        ]
        for (text, offset) in refused {
            #expect(throws: JSONReaderError.self, "\(text)") { try JSONReader.parse(text) }
            do {
                _ = try JSONReader.parse(text)
            } catch let error as JSONReaderError {
                #expect(error.offset == offset, "\(text): \(error)")
            } catch {
                Issue.record("\(text): \(error)")
            }
        }
    }

    @Test func invalidUTF8IsRefused() {
        let bytes: [UInt8] = [UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")]
        #expect(throws: JSONReaderError.self) { try bytes.withUnsafeBytes { try JSONReader.parse($0) } }
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "[", count: JSONReader.maxDepth) + String(repeating: "]", count: JSONReader.maxDepth)
        #expect(try JSONReader.parse(deep) != .null)
        let deeper = "[" + deep + "]"
        #expect(throws: JSONReaderError.self) { try JSONReader.parse(deeper) }
    }
}
