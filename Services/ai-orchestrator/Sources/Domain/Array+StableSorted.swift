extension Array {
    /// Sorted by `before`, keeping the existing order among equals.
    func stableSorted(by before: (Element, Element) -> Bool) -> [Element] {
        enumerated().sorted { lhs, rhs in
            before(lhs.element, rhs.element) || (!before(rhs.element, lhs.element) && lhs.offset < rhs.offset)
        }.map(\.element)
    }
}
