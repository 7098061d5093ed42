/// A small, fast random number generator (SplitMix64). Seeded with a fixed number, it makes
/// property tests generate the same cases on every run, so a failure can be replayed from its
/// seed; seeded from the system's generator, it makes identifiers that must be unique but not
/// secret (request ids, trace ids) without a system call for each.
public struct SplitMix: RandomNumberGenerator {
    private var state: UInt64

    /// A generator that starts from `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator seeded from the system's generator.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
