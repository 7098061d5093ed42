/// The arithmetic of prices in whole minor units, with the one rounding rule the pricing engine
/// uses everywhere: an exact product rounded half to even (banker's rounding), so that no
/// systematic half-cent drifts towards the seller or the buyer.
enum MinorUnits {
    /// One basis point is a hundredth of a percent; 10,000 is the whole.
    static let whole = 10_000

    /// `amount × bps / 10,000`, rounded half to even; exact for every Int64 amount.
    static func share(of amount: Int64, bps: Int) -> Int64 {
        let product = Int128(amount) * Int128(bps)
        let (quotient, remainder) = product.quotientAndRemainder(dividingBy: Int128(whole))
        let twice = remainder.magnitude * 2
        if twice > UInt128(whole) || (twice == UInt128(whole) && quotient % 2 != 0) {
            return Int64(quotient + (product < 0 ? -1 : 1))
        }
        return Int64(quotient)
    }

    /// Splits `total` across parts in proportion to `weights`, by largest remainder (ties go to
    /// the earlier part), so that the parts add up to `total` exactly and none exceeds its
    /// weight when `total` does not exceed the sum of the weights.
    static func allocate(_ total: Int64, across weights: [Int64]) -> [Int64] {
        let sum = weights.reduce(Int128(0)) { $0 + Int128($1) }
        guard sum > 0, total > 0 else { return weights.map { _ in 0 } }
        var parts: [Int64] = []
        var remainders: [(index: Int, remainder: Int128)] = []
        for (index, weight) in weights.enumerated() {
            let (quotient, remainder) = (Int128(total) * Int128(weight)).quotientAndRemainder(dividingBy: sum)
            parts.append(Int64(quotient))
            remainders.append((index, remainder))
        }
        var left = total - parts.reduce(0, +)
        for entry in remainders.sorted(by: { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index })
        where left > 0 {
            parts[entry.index] += 1
            left -= 1
        }
        return parts
    }
}
