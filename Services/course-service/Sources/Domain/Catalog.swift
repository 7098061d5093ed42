import Foundation
import Shared

/// How the catalog is ordered. Every order but `relevance` ends with the course id, so that
/// pages continue from a key (keyset pagination) and stay stable while courses are added.
enum CatalogSort: String, Codable, Sendable, CaseIterable {
    /// Latest first publication first (creation, for a course never published).
    case newest
    /// Highest average first, then most reviews; courses without reviews last.
    case rating
    case priceAsc = "price_asc"
    case priceDesc = "price_desc"
    /// Most active and completed learners first.
    case popular
    /// Best search match first; only with `q`.
    case relevance
}

/// The filters of `GET /courses`, checked. Equal filters list the same courses, so a filter
/// (with sort and page) is also the key of a cached page.
struct CatalogFilter: Sendable, Hashable {
    var q: String?
    var category: String?
    var level: CourseLevel?
    var language: String?
    var currency: String?
    var minPrice: Int64?
    var maxPrice: Int64?
    /// In hundredths (4.5 is 450): averages are stored to hundredths, so the comparison is exact.
    var minRatingHundredths: Int?
    var instructorId: UUID?
    var tag: String?
    var status: CourseStatus = .published

    /// The canonical text of the filter, for cache keys.
    var canonical: String {
        let parts: [(String, String?)] = [
            ("q", q), ("category", category), ("level", level?.rawValue), ("language", language), ("currency", currency),
            ("minPrice", minPrice.map(String.init)), ("maxPrice", maxPrice.map(String.init)),
            ("minRating", minRatingHundredths.map(String.init)), ("instructorId", instructorId?.lowercasedText),
            ("tag", tag), ("status", status.rawValue),
        ]
        return parts.compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: "&")
    }
}

/// Where the next page starts: the sort key of the last course listed, or, for `relevance`,
/// how many results were already listed (ranks have no stable key to continue from).
struct CatalogCursor: Codable, Sendable, Equatable {
    let sort: CatalogSort
    var id: UUID?
    var listedAt: Date?
    var ratingHundredths: Int?
    var ratingCount: Int?
    var amount: Int64?
    var learners: Int?
    var offset: Int?

    /// Whether the cursor carries what its sort continues from.
    var isComplete: Bool {
        switch sort {
        case .newest: id != nil && listedAt != nil
        case .rating: id != nil && ratingHundredths != nil && ratingCount != nil
        case .priceAsc, .priceDesc: id != nil && amount != nil
        case .popular: id != nil && learners != nil
        case .relevance: (offset ?? -1) >= 0
        }
    }
}

/// One catalog request: filters, order and page.
struct CatalogQuery: Sendable {
    let filter: CatalogFilter
    let sort: CatalogSort
    let limit: Int
    let after: CatalogCursor?

    /// The canonical text of the whole request, for cache keys.
    var canonical: String {
        var text = filter.canonical + "&sort=\(sort.rawValue)&limit=\(limit)"
        if let after, let encoded = try? JSONCoding.makeEncoder().encode(after) {
            text += "&after=" + String(decoding: encoded, as: UTF8.self)
        }
        return text
    }
}
