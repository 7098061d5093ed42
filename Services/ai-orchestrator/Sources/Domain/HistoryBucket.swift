import Foundation

/// The width of a history bucket.
enum HistoryBucket: String, Sendable, CaseIterable {
    case minute, hour, day

    /// The longest range a history request may span at this width.
    var maxRange: TimeInterval {
        switch self {
        case .minute: 86_400
        case .hour: 31 * 86_400
        case .day: 366 * 86_400
        }
    }
}
