/// JSON text written member by member by a type that knows its own shape, for the largest
/// documents written per request (a priced cart has a hundred objects): no `JSONValue` tree is
/// built and no keys are sorted, which was most of the cost of `JSONText.write` for them.
///
/// The writer does not sort. A type whose text must be what `JSONText.write` gives for its
/// `jsonValue` (sorted keys) names its members in sorted order, and a test holds the two equal.
/// Strings are escaped as `JSONText` escapes them; integers are written exactly (`JSONText`, which
/// holds numbers as `Double`, agrees below 2^53).
public struct JSONWriter {
    private var bytes: [UInt8] = []
    /// Just after an opening bracket or a key: the next value takes no comma before it.
    private var atStart = true

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// An object; `members` writes its members.
    public mutating func object(_ members: (inout JSONWriter) -> Void) {
        open(UInt8(ascii: "{"))
        members(&self)
        close(UInt8(ascii: "}"))
    }

    /// An array of the items, each written by `item`.
    public mutating func array<Items: Sequence>(_ items: Items, _ item: (inout JSONWriter, Items.Element) -> Void) {
        open(UInt8(ascii: "["))
        for element in items { item(&self, element) }
        close(UInt8(ascii: "]"))
    }

    public mutating func member(_ key: String, _ value: String) {
        self.key(key)
        string(value)
    }

    public mutating func member(_ key: String, _ value: Int64) {
        self.key(key)
        number(value)
    }

    public mutating func member(_ key: String, _ value: Bool) {
        self.key(key)
        bool(value)
    }

    /// A member whose value is an array of the items, each written by `item`.
    public mutating func member<Items: Sequence>(_ key: String, _ items: Items, _ item: (inout JSONWriter, Items.Element) -> Void) {
        self.key(key)
        array(items, item)
    }

    /// A member's key; its value comes next.
    private mutating func key(_ key: String) {
        separate()
        JSONText.quote(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        atStart = true
    }

    public mutating func string(_ value: String) {
        separate()
        JSONText.quote(value, into: &bytes)
        atStart = false
    }

    public mutating func number(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        atStart = false
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        atStart = false
    }

    private mutating func separate() {
        if !atStart { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        atStart = true
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        atStart = false
    }
}
