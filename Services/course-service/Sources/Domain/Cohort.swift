import Foundation
import Shared

/// A group of learners who take the course together between two dates, with an optional seat limit.
struct Cohort: Sendable, Equatable {
    let id: UUID
    let name: String
    let startsAt: Date
    let endsAt: Date
    /// `nil` is unlimited (within the course's own capacity, if it has one).
    let capacity: Int?
}

extension Cohort: Encodable {
    private enum CodingKeys: String, CodingKey { case id, name, startsAt, endsAt, capacity }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(startsAt, forKey: .startsAt)
        try container.encode(endsAt, forKey: .endsAt)
        try container.encode(capacity, forKey: .capacity)
    }
}

/// `POST /courses/{id}/cohorts` and `PUT /courses/{id}/cohorts/{cohortId}` (which replaces
/// every field, so an absent capacity means no limit).
struct CohortOrder: Decodable, Sendable {
    let name: String
    let startsAt: Date
    let endsAt: Date
    let capacity: Int64?

    private enum CodingKeys: String, CodingKey { case name, startsAt, endsAt, capacity }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        startsAt = try container.decode(Date.self, forKey: .startsAt)
        endsAt = try container.decode(Date.self, forKey: .endsAt)
        capacity = try container.decodeWholeNumberIfPresent(forKey: .capacity)
    }

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if !Validation.hasLength(name, 1...200) { errors.append(FieldError(field: "name", message: "must be 1 to 200 characters")) }
        if endsAt <= startsAt { errors.append(FieldError(field: "endsAt", message: "must be after startsAt")) }
        return errors + Validation.capacityProblems(capacity, field: "capacity")
    }

    func cohort(id: UUID) -> Cohort {
        Cohort(id: id, name: name.trimmingCharacters(in: .whitespacesAndNewlines), startsAt: Timestamp.rounded(startsAt),
               endsAt: Timestamp.rounded(endsAt), capacity: capacity.map(Int.init))
    }
}
