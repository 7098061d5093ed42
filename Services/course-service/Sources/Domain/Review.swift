import Foundation
import Shared

/// A learner's review of a course: one per learner, a rating of 1 to 5 and optional text.
struct Review: Sendable, Equatable {
    let id: UUID
    let courseId: UUID
    let userId: UUID
    let rating: Int
    let text: String?
    let createdAt: Date
    let updatedAt: Date
}

extension Review: Encodable {
    private enum CodingKeys: String, CodingKey { case id, courseId, userId, rating, text, createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(courseId, forKey: .courseId)
        try container.encode(userId, forKey: .userId)
        try container.encode(rating, forKey: .rating)
        try container.encode(text, forKey: .text)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// `POST /courses/{id}/reviews` and `PUT /courses/{id}/reviews/{reviewId}` (which replaces
/// both fields, so an absent text is cleared).
struct ReviewOrder: Decodable, Sendable {
    let rating: Int64
    let text: String?

    static let maxText = 5_000

    private enum CodingKeys: String, CodingKey { case rating, text }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rating = try container.decodeWholeNumber(forKey: .rating)
        text = try container.decodeIfPresent(String.self, forKey: .text)
    }

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if !(1...5).contains(rating) { errors.append(FieldError(field: "rating", message: "must be a whole number from 1 to 5")) }
        if let text, text.count > Self.maxText { errors.append(FieldError(field: "text", message: "must be at most \(Self.maxText) characters")) }
        return errors
    }

    /// The text as stored: blank text is no text.
    var storedText: String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
