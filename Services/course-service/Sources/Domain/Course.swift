import Foundation
import Shared

/// A course as stored, without its outline: what the catalog lists and what the access and
/// workflow rules look at.
struct Course: Sendable, Equatable {
    let id: UUID
    let instructorId: UUID
    let title: String
    let subtitle: String
    let description: String
    let category: String
    let level: CourseLevel
    let language: String
    let tags: [String]
    let price: Money
    /// Seats in the whole course; `nil` is unlimited.
    let capacity: Int?
    let status: CourseStatus
    /// Why an administrator sent it back to draft, until it is submitted again.
    let rejectionReason: String?
    let rating: Rating
    let createdAt: Date
    let updatedAt: Date
    /// The first publication; once set the course can only be archived, never deleted.
    let publishedAt: Date?

    /// Whether the course was ever open to learners.
    var wasPublished: Bool { publishedAt != nil }
}

/// A course's reviews summed up: the average rounded to hundredths (`nil` without reviews).
struct Rating: Encodable, Sendable, Equatable {
    let average: Double?
    let count: Int

    private enum CodingKeys: String, CodingKey { case average, count }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(average, forKey: .average)
        try container.encode(count, forKey: .count)
    }
}

extension Course: Encodable {
    private enum CodingKeys: String, CodingKey {
        case id, instructorId, title, subtitle, description, category, level, language, tags, price, capacity, status
        case rejectionReason, rating, createdAt, updatedAt, publishedAt
    }

    /// The course's own fields; `capacity` and `publishedAt` are written as null when unset.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(instructorId, forKey: .instructorId)
        try container.encode(title, forKey: .title)
        try container.encode(subtitle, forKey: .subtitle)
        try container.encode(description, forKey: .description)
        try container.encode(category, forKey: .category)
        try container.encode(level, forKey: .level)
        try container.encode(language, forKey: .language)
        try container.encode(tags, forKey: .tags)
        try container.encode(price, forKey: .price)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(rejectionReason, forKey: .rejectionReason)
        try container.encode(rating, forKey: .rating)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(publishedAt, forKey: .publishedAt)
    }
}
