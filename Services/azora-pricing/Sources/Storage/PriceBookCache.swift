import Foundation
import Synchronization

/// The parts of the price book a quote reads, as last read from the database and tagged with
/// the price book's revision (migration 0002): products with their strategy and prices, and the
/// rules every cart meets, regions and promotions. Any change to those tables moves the revision
/// on, so entries read at one revision are dropped as soon as a quote sees another.
///
/// Products are kept as carts ask for them, not the whole catalog, so a change costs re-reading
/// only what the next carts name.
final class PriceBookCache: Sendable {
    /// A product as the engine needs it.
    struct Product: Sendable {
        let entry: PricingInputs.CatalogEntry
        let strategy: Strategy?
        /// Its prices by currency and country (`nil`: the base price): the one in effect when
        /// read, then any set to take effect later, latest first.
        let prices: [Slot: [DatedPrice]]

        /// The price in effect at `now`: the latest one that has started.
        func price(in slot: Slot, at now: Date) -> Int64? {
            prices[slot]?.first { $0.effectiveFrom <= now }?.amount
        }
    }

    struct Slot: Hashable, Sendable {
        let currency: String
        let country: String?
    }

    struct DatedPrice: Sendable {
        let amount: Int64
        let effectiveFrom: Date
    }

    /// Regions and the promotions not yet over when read.
    struct Rules: Sendable {
        var regions: [String: Region] = [:]
        /// Oldest start first (then by id), the order in which promotions break ties.
        var promotions: [Promotion] = []
    }

    /// What was read from the database at one revision.
    struct Reading: Sendable {
        var revision: Int64
        var products: [ProductRef: Product] = [:]
        var rules: Rules?
    }

    private let state = Mutex(Reading(revision: -1))
    /// More products than this and the cache starts afresh: simpler than aging entries, and
    /// a cart names at most 100.
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// What is known at `revision` of the given products and of the rules. A newer revision
    /// empties the cache; an older one (another quote has already seen a newer book) finds nothing.
    func known(at revision: Int64, products refs: [ProductRef]) -> Reading {
        state.withLock { cached in
            guard Self.adopt(revision, in: &cached) else { return Reading(revision: revision) }
            var known = Reading(revision: revision, rules: cached.rules)
            for ref in refs {
                if let product = cached.products[ref] { known.products[ref] = product }
            }
            return known
        }
    }

    /// Keeps what was read, unless the cache already holds a newer revision.
    func remember(_ reading: Reading) {
        state.withLock { cached in
            guard Self.adopt(reading.revision, in: &cached) else { return }
            if cached.products.count + reading.products.count > capacity { cached.products.removeAll(keepingCapacity: true) }
            cached.products.merge(reading.products) { _, read in read }
            if let rules = reading.rules { cached.rules = rules }
        }
    }

    /// Empties the cache for a newer revision; whether the cache now holds `revision`.
    private static func adopt(_ revision: Int64, in cached: inout Reading) -> Bool {
        if revision > cached.revision { cached = Reading(revision: revision) }
        return revision == cached.revision
    }
}
