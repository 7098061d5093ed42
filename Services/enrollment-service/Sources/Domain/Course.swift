import Foundation
import Shared

/// What enrollment-service reads of course-service's course detail (`GET /courses/{id}`): its
/// own slim copy, so that no service compiles against another. Fields it does not use are
/// not declared.
struct Course: Decodable, Sendable {
    let id: UUID
    let title: String
    let price: Money
    let instructorId: UUID
    /// `draft`, `in_review`, `published` or `archived`.
    let status: String
    /// The course's seat limit; `nil` for none.
    let capacity: Int?
    let prerequisites: [UUID]
    let cohorts: [Cohort]
    let modules: [Module]

    struct Cohort: Decodable, Sendable {
        let id: UUID
        let name: String
        let startsAt: Date?
        let endsAt: Date?
        let capacity: Int?
    }

    struct Module: Decodable, Sendable {
        let id: UUID
        let title: String
        let position: Int
        let lessons: [Lesson]
    }

    struct Lesson: Decodable, Sendable {
        let id: UUID
        let title: String
        let required: Bool
        let position: Int
    }

    var isPublished: Bool { status == "published" }

    var isFree: Bool { price.amount == 0 }

    /// Every lesson in course order: modules by position, lessons by position within each.
    var lessonsInOrder: [Lesson] {
        modules.sorted { $0.position < $1.position }.flatMap { $0.lessons.sorted { $0.position < $1.position } }
    }

    /// The lessons a learner must complete to complete the course, in course order.
    var requiredLessons: [Lesson] { lessonsInOrder.filter(\.required) }

    func cohort(_ id: UUID) -> Cohort? { cohorts.first { $0.id == id } }

    func lesson(_ id: UUID) -> Lesson? { lessonsInOrder.first { $0.id == id } }
}

extension Course {
    private enum CodingKeys: String, CodingKey {
        case id, title, price, instructorId, status, capacity, prerequisites, cohorts, modules
    }

    /// Tolerates the lists being absent (a course with no cohorts, prerequisites or modules).
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        title = try container.decode(String.self, forKey: .title)
        price = try container.decode(Money.self, forKey: .price)
        instructorId = try container.decode(UUID.self, forKey: .instructorId)
        status = try container.decode(String.self, forKey: .status)
        capacity = try container.decodeIfPresent(Int.self, forKey: .capacity)
        prerequisites = try container.decodeIfPresent([UUID].self, forKey: .prerequisites) ?? []
        cohorts = try container.decodeIfPresent([Cohort].self, forKey: .cohorts) ?? []
        modules = try container.decodeIfPresent([Module].self, forKey: .modules) ?? []
    }
}
