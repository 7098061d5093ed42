/// Values for a C function that takes them as an array of pointers (libpq's connection keywords
/// and statement parameters, hiredis's command arguments), laid out one after another in one
/// buffer: one allocation for them all, each value copied whole. A copy byte by byte was a fifth
/// of the event relay's CPU; a `strdup` per value, an allocation and a free each.
struct CValueArray {
    private var bytes: [UInt8] = []
    private var offsets: [Int?] = []
    /// Each value's length in bytes, its terminating NUL not counted; 0 for a null one.
    private(set) var lengths: [Int] = []

    var count: Int { offsets.count }

    /// Adds a value, followed by a NUL so that it reads as a C string too.
    mutating func append(_ value: some Collection<UInt8>) {
        offsets.append(bytes.count)
        lengths.append(value.count)
        bytes.append(contentsOf: value)
        bytes.append(0)
    }

    /// Adds a null pointer: SQL NULL for libpq, the end of a keyword list.
    mutating func appendNull() {
        offsets.append(nil)
        lengths.append(0)
    }

    /// Calls `body` with a pointer to each value, in order; the pointers live only during the call.
    func withPointers<R>(_ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> R) -> R {
        bytes.withUnsafeBytes { buffer in
            // An offset exists only for a value appended, so the buffer has an address whenever one is read.
            var pointers = offsets.map { offset in
                offset.map { UnsafePointer(buffer.baseAddress!.advanced(by: $0).assumingMemoryBound(to: CChar.self)) }
            }
            // One element at least, so that the array has an address to give.
            if pointers.isEmpty { pointers.append(nil) }
            return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        }
    }
}
