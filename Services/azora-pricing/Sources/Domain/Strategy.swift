import Crypto
import Foundation
import Shared

/// A product's dynamic pricing strategy: one rule that moves the base price up or down, never
/// below `floorBps` nor above `ceilingBps` of it (basis points of the base price, set by the owner).
struct Strategy: Codable, Sendable, Equatable {
    let floorBps: Int
    let ceilingBps: Int
    let rule: StrategyRule

    enum Kind: String, Codable, Sendable, CaseIterable {
        case time, demand, capacity, experiment
    }

    var kind: Kind { rule.kind }

    private enum CodingKeys: String, CodingKey {
        case kind, floorBps, ceilingBps, windows, windowHours, tiers, capacity, experimentKey, variants
    }

    init(floorBps: Int, ceilingBps: Int, rule: StrategyRule) {
        self.floorBps = floorBps
        self.ceilingBps = ceilingBps
        self.rule = rule
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        floorBps = try container.decode(Int.self, forKey: .floorBps)
        ceilingBps = try container.decode(Int.self, forKey: .ceilingBps)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .time:
            rule = .time(windows: try container.decode([TimeWindow].self, forKey: .windows))
        case .demand:
            rule = .demand(windowHours: try container.decode(Int.self, forKey: .windowHours),
                           tiers: try container.decode([DemandTier].self, forKey: .tiers))
        case .capacity:
            rule = .capacity(capacity: try container.decode(Int.self, forKey: .capacity),
                             tiers: try container.decode([CapacityTier].self, forKey: .tiers))
        case .experiment:
            rule = .experiment(key: try container.decode(String.self, forKey: .experimentKey),
                               variants: try container.decode([Variant].self, forKey: .variants))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(floorBps, forKey: .floorBps)
        try container.encode(ceilingBps, forKey: .ceilingBps)
        switch rule {
        case .time(let windows):
            try container.encode(windows, forKey: .windows)
        case .demand(let windowHours, let tiers):
            try container.encode(windowHours, forKey: .windowHours)
            try container.encode(tiers, forKey: .tiers)
        case .capacity(let capacity, let tiers):
            try container.encode(capacity, forKey: .capacity)
            try container.encode(tiers, forKey: .tiers)
        case .experiment(let key, let variants):
            try container.encode(key, forKey: .experimentKey)
            try container.encode(variants, forKey: .variants)
        }
    }

    /// What is wrong with the strategy as a whole.
    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        if !(0...10_000).contains(floorBps) { refuse("floorBps", "must be from 0 to 10000 basis points of the base price") }
        if !(10_000...100_000).contains(ceilingBps) { refuse("ceilingBps", "must be from 10000 to 100000 basis points of the base price") }
        func checkAdjustment(_ bps: Int, _ field: String) {
            if !(-10_000...90_000).contains(bps) { refuse(field, "must be from -10000 to 90000 basis points") }
        }
        switch rule {
        case .time(let windows):
            if !(1...20).contains(windows.count) { refuse("windows", "must hold 1 to 20 windows") }
            for (index, window) in windows.enumerated() {
                if window.endsAt <= window.startsAt { refuse("windows[\(index)].endsAt", "must be after startsAt") }
                if !(1...100).contains(window.name.count) { refuse("windows[\(index)].name", "must be 1 to 100 characters") }
                checkAdjustment(window.adjustmentBps, "windows[\(index)].adjustmentBps")
            }
        case .demand(let windowHours, let tiers):
            if !(1...720).contains(windowHours) { refuse("windowHours", "must be from 1 to 720 hours") }
            if !(1...20).contains(tiers.count) { refuse("tiers", "must hold 1 to 20 tiers") }
            for (index, tier) in tiers.enumerated() {
                if tier.minEnrollments < 1 { refuse("tiers[\(index)].minEnrollments", "must be at least 1") }
                checkAdjustment(tier.adjustmentBps, "tiers[\(index)].adjustmentBps")
            }
        case .capacity(let capacity, let tiers):
            if !(1...1_000_000).contains(capacity) { refuse("capacity", "must be from 1 to 1000000 seats") }
            if !(1...20).contains(tiers.count) { refuse("tiers", "must hold 1 to 20 tiers") }
            for (index, tier) in tiers.enumerated() {
                if !(0...100).contains(tier.minFilledPercent) { refuse("tiers[\(index)].minFilledPercent", "must be from 0 to 100") }
                checkAdjustment(tier.adjustmentBps, "tiers[\(index)].adjustmentBps")
            }
        case .experiment(let key, let variants):
            if !Validation.isSlug(key) { refuse("experimentKey", Validation.slugHelp) }
            if !(2...10).contains(variants.count) { refuse("variants", "must hold 2 to 10 variants") }
            if Set(variants.map(\.name)).count != variants.count { refuse("variants", "names must differ") }
            for (index, variant) in variants.enumerated() {
                if !Validation.isSlug(variant.name) { refuse("variants[\(index)].name", Validation.slugHelp) }
                if !(1...10_000).contains(variant.weight) { refuse("variants[\(index)].weight", "must be from 1 to 10000") }
                checkAdjustment(variant.adjustmentBps, "variants[\(index)].adjustmentBps")
            }
        }
        return errors
    }
}

/// The rule a strategy follows.
enum StrategyRule: Sendable, Equatable {
    /// Early bird, launch window, seasonal sale: the first listed window open now applies.
    case time(windows: [TimeWindow])
    /// Recent enrolment velocity: the highest tier reached by enrolments in the last hours.
    case demand(windowHours: Int, tiers: [DemandTier])
    /// How full the cohort is: the highest tier reached by seats taken out of `capacity`.
    case capacity(capacity: Int, tiers: [CapacityTier])
    /// A price experiment: each buyer falls into one variant, by weight, always the same one.
    case experiment(key: String, variants: [Variant])

    var kind: Strategy.Kind {
        switch self {
        case .time: .time
        case .demand: .demand
        case .capacity: .capacity
        case .experiment: .experiment
        }
    }
}

struct TimeWindow: Codable, Sendable, Equatable {
    let name: String
    let startsAt: Date
    let endsAt: Date
    let adjustmentBps: Int
}

struct DemandTier: Codable, Sendable, Equatable {
    let minEnrollments: Int
    let adjustmentBps: Int
}

struct CapacityTier: Codable, Sendable, Equatable {
    let minFilledPercent: Int
    let adjustmentBps: Int
}

struct Variant: Codable, Sendable, Equatable {
    let name: String
    let weight: Int
    let adjustmentBps: Int
}

/// What the engine knows about a product's market when it applies the strategy.
struct MarketSignals: Sendable, Equatable {
    /// Enrolments within the demand strategy's window.
    var recentEnrollments = 0
    /// Enrolments minus cancellations, ever.
    var seatsTaken = 0
}

/// The result of applying a strategy: the adjustment (if any) and why.
struct StrategyDecision: Sendable, Equatable {
    let adjustmentBps: Int?
    let explanation: String
    /// The experiment and variant the buyer is in, for experiment strategies.
    let assignment: ExperimentAssignment?
}

struct ExperimentAssignment: Codable, Sendable, Hashable {
    let experimentKey: String
    let variant: String
}

extension Strategy {
    /// Chooses the adjustment for this moment, market and buyer.
    /// - Parameter recordedVariant: the variant the buyer was put in earlier, which they keep
    ///   while it exists.
    func decide(now: Date, market: MarketSignals, buyerId: UUID, recordedVariant: String?) -> StrategyDecision {
        switch rule {
        case .time(let windows):
            guard let window = windows.first(where: { $0.startsAt <= now && now < $0.endsAt }) else {
                return StrategyDecision(adjustmentBps: nil, explanation: "no time window is open now", assignment: nil)
            }
            return StrategyDecision(adjustmentBps: window.adjustmentBps,
                                    explanation: "time window '\(window.name)' is open until \(Timestamp.format(window.endsAt))",
                                    assignment: nil)
        case .demand(let windowHours, let tiers):
            guard let tier = tiers.filter({ $0.minEnrollments <= market.recentEnrollments }).max(by: { $0.minEnrollments < $1.minEnrollments })
            else {
                return StrategyDecision(adjustmentBps: nil, explanation: "\(market.recentEnrollments) enrolments in the last \(windowHours) h reach no demand tier",
                                        assignment: nil)
            }
            return StrategyDecision(adjustmentBps: tier.adjustmentBps,
                                    explanation: "\(market.recentEnrollments) enrolments in the last \(windowHours) h reach the tier of \(tier.minEnrollments)",
                                    assignment: nil)
        case .capacity(let capacity, let tiers):
            let filled = min(100, max(0, market.seatsTaken) * 100 / capacity)
            guard let tier = tiers.filter({ $0.minFilledPercent <= filled }).max(by: { $0.minFilledPercent < $1.minFilledPercent }) else {
                return StrategyDecision(adjustmentBps: nil, explanation: "the cohort is \(filled)% full, below every capacity tier",
                                        assignment: nil)
            }
            return StrategyDecision(adjustmentBps: tier.adjustmentBps,
                                    explanation: "the cohort is \(filled)% full (\(market.seatsTaken) of \(capacity) seats), reaching the \(tier.minFilledPercent)% tier",
                                    assignment: nil)
        case .experiment(let key, let variants):
            let variant = variants.first { $0.name == recordedVariant } ?? Self.bucket(buyerId, into: variants, experiment: key)
            return StrategyDecision(adjustmentBps: variant.adjustmentBps,
                                    explanation: "experiment '\(key)' puts this buyer in variant '\(variant.name)'",
                                    assignment: ExperimentAssignment(experimentKey: key, variant: variant.name))
        }
    }

    /// Deterministic bucketing: the first eight bytes of SHA-256("<experiment>:<buyer id>"),
    /// taken modulo the total weight, fall into one variant's share.
    static func bucket(_ buyerId: UUID, into variants: [Variant], experiment: String) -> Variant {
        let digest = SHA256.hash(data: Data("\(experiment):\(buyerId.lowercasedText)".utf8))
        let number = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var point = Int(number % UInt64(variants.reduce(0) { $0 + $1.weight }))
        for variant in variants {
            if point < variant.weight { return variant }
            point -= variant.weight
        }
        return variants[variants.count - 1]
    }
}
