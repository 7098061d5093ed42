extension Duration {
    /// The duration in milliseconds, with a fraction.
    var inMilliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
