/// The last `capacity` samples of a duration, in milliseconds, for percentiles over recent
/// traffic: a ring buffer, so recording is O(1) and memory is bounded.
struct LatencySamples: Sendable {
    private var values: [Double] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        values.reserveCapacity(min(self.capacity, 1024))
    }

    var count: Int { values.count }

    mutating func add(_ value: Double) {
        if values.count < capacity {
            values.append(value)
        } else {
            values[next] = value
        }
        next = (next + 1) % capacity
    }

    /// The nearest-rank percentiles (the smallest sample with at least p% of samples at or below
    /// it), or nil when there are no samples.
    func percentiles(_ ranks: [Double]) -> [Double?] {
        guard !values.isEmpty else { return ranks.map { _ in nil } }
        let sorted = values.sorted()
        return ranks.map { rank in
            let position = Int((rank / 100 * Double(sorted.count)).rounded(.up))
            return sorted[min(sorted.count, max(1, position)) - 1]
        }
    }
}
