import Foundation
import Shared
import Synchronization

/// Remembers what a JSON document decoded to, keyed by its text, so that the strategies and
/// promotions read for every quote are decoded once, not once per quote. The database stays the
/// source of truth: a changed document is different text and decodes afresh.
final class DecodedJSONCache<Value: Decodable & Sendable>: Sendable {
    private let entries = Mutex<[String: Value]>([:])
    private let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    func value(of text: String) throws -> Value {
        if let known = entries.withLock({ $0[text] }) { return known }
        let value = try JSONCoding.makeDecoder().decode(Value.self, from: Data(text.utf8))
        entries.withLock { entries in
            // Documents replaced long ago would pile up; starting afresh is simpler than aging them.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[text] = value
        }
        return value
    }
}
