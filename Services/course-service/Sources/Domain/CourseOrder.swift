import Foundation
import Shared

/// `POST /courses` and `PUT /courses/{id}`: every editable field of a course. A PUT replaces
/// them all, so an absent optional field is cleared (no subtitle, no tags, no seat limit).
struct CourseOrder: Decodable, Sendable {
    let title: String
    let subtitle: String?
    let description: String?
    let category: String
    let level: String
    let language: String
    let tags: [String]?
    let price: Money
    let capacity: Int64?
    /// Whose course it is; only administrators may name someone other than themselves.
    let instructorId: UUID?

    static let maxTags = 20

    private enum CodingKeys: String, CodingKey {
        case title, subtitle, description, category, level, language, tags, price, capacity, instructorId
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        subtitle = try container.decodeIfPresent(String.self, forKey: .subtitle)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        category = try container.decode(String.self, forKey: .category)
        level = try container.decode(String.self, forKey: .level)
        language = try container.decode(String.self, forKey: .language)
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        price = try container.decode(Money.self, forKey: .price)
        capacity = try container.decodeWholeNumberIfPresent(forKey: .capacity)
        instructorId = try container.decodeIfPresent(UUID.self, forKey: .instructorId)
    }

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        if !Validation.hasLength(title, 1...200) { refuse("title", "must be 1 to 200 characters") }
        if let subtitle, subtitle.count > 300 { refuse("subtitle", "must be at most 300 characters") }
        if let description, description.count > 20_000 { refuse("description", "must be at most 20000 characters") }
        if !Validation.isSlug(category) { refuse("category", Validation.slugHelp) }
        if CourseLevel(rawValue: level) == nil {
            refuse("level", "must be one of \(CourseLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if !Validation.isLanguage(language) { refuse("language", Validation.languageHelp) }
        let tags = tags ?? []
        if tags.count > Self.maxTags { refuse("tags", "must hold at most \(Self.maxTags) tags") }
        for (index, tag) in tags.enumerated() {
            if !Validation.isSlug(tag) {
                refuse("tags[\(index)]", Validation.slugHelp)
            } else if tags[..<index].contains(tag) {
                refuse("tags[\(index)]", "is listed twice")
            }
        }
        errors += price.problems(field: "price", amounts: 0...Validation.maxAmount)
        errors += Validation.capacityProblems(capacity, field: "capacity")
        return errors
    }

    /// The fields as stored, once `problems()` found nothing wrong.
    var fields: CourseFields {
        CourseFields(title: title.trimmingCharacters(in: .whitespacesAndNewlines), subtitle: subtitle ?? "",
                     description: description ?? "", category: category, level: CourseLevel(rawValue: level) ?? .allLevels,
                     language: language, tags: tags ?? [], price: price, capacity: capacity.map(Int.init))
    }
}

/// The editable fields of a course, checked.
struct CourseFields: Sendable, Equatable {
    let title: String
    let subtitle: String
    let description: String
    let category: String
    let level: CourseLevel
    let language: String
    let tags: [String]
    let price: Money
    let capacity: Int?
}
