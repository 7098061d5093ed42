extension KeyedDecodingContainer {
    /// An integer field. A fraction such as `1.5` is reported as a wrong type at the field's own
    /// path: Foundation's decoder fails it with an internal error that it later turns into
    /// "not valid JSON" with no path at all.
    public func decodeWholeNumber(forKey key: Key) throws -> Int64 {
        do {
            return try decode(Int64.self, forKey: key)
        } catch let error as DecodingError {
            throw error
        } catch {
            throw DecodingError.typeMismatch(Int64.self, .init(codingPath: codingPath + [key], debugDescription: "not a whole number"))
        }
    }

    /// An optional integer field, as `decodeWholeNumber(forKey:)`.
    public func decodeWholeNumberIfPresent(forKey key: Key) throws -> Int64? {
        try contains(key) && !decodeNil(forKey: key) ? decodeWholeNumber(forKey: key) : nil
    }
}
