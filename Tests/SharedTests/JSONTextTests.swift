import Foundation
import Shared
import Testing

@testable import Shared

/// The hand-written JSON must read back as exactly what was written, like the encoder's.
@Suite struct JSONTextTests {
    static let awkward: JSONValue = [
        "amount": 9_007_199_254_740_991, "rate": .number(0.0067), "negative": -3, "flag": true, "nothing": nil,
        "text": "quote \" backslash \\ slash / newline \n tab \t bell \u{07} é 漢字 🎓",
        "nested": ["list": [1, "two", ["three": 3]], "empty": [:]],
    ]

    @Test func aValueReadsBackAsItself() throws {
        let text = JSONText.write(Self.awkward)
        let decoded = try JSONCoding.makeDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(decoded == Self.awkward)
        #expect(text.contains("\"amount\":9007199254740991"))
        #expect(JSONText.write(["b": 1, "a": [true, nil]]) == String(decoding: try JSONCoding.makeEncoder().encode(["b": 1, "a": [true, nil]] as JSONValue), as: UTF8.self))
    }

    @Test func stringsAreEscapedExactlyAsRFC8259Requires() {
        #expect(JSONText.write(.string("a\"b\\c/d\ne\rf\tg\u{08}h\u{0C}i\u{01}\u{1F}j é 🎓")) ==
                #""a\"b\\c/d\ne\rf\tg\bh\fi\u0001\u001fj é 🎓""#)
        var text = "prefix:"
        JSONText.quote("say \"hi\"", into: &text)
        #expect(text == #"prefix:"say \"hi\"""#)
    }

    @Test func anEnvelopeOnTheWireDecodesToTheEnvelopeRecorded() throws {
        let envelope = try EventEnvelope(type: "ledger.transfer.posted", source: "azora-ledger", subject: "s\"1", data: Self.awkward)
        let text = EventEnvelope.wireText(
            id: envelope.id, type: envelope.type, source: envelope.source, subject: envelope.subject,
            occurredAt: envelope.occurredAt, dataJSON: JSONText.write(envelope.data), traceparent: "00-abc-def-01")
        var expected = envelope
        expected.traceparent = "00-abc-def-01"
        #expect(try JSONCoding.makeDecoder().decode(EventEnvelope.self, from: Data(text.utf8)) == expected)
        let withoutSubject = EventEnvelope.wireText(id: envelope.id, type: "t", source: "s", subject: nil, occurredAt: envelope.occurredAt,
                                                    dataJSON: "{}", traceparent: nil)
        #expect(try JSONCoding.makeDecoder().decode(EventEnvelope.self, from: Data(withoutSubject.utf8)).subject == nil)
    }
}
