import Foundation
import Shared

/// The data of every course event (`course.created`, `course.updated`, `course.submitted`,
/// `course.published`, `course.rejected`, `course.archived`, `course.deleted`): what
/// enrollment-service and the catalog's other readers need without calling back.
struct CourseEvent: Encodable, Sendable {
    let course: Course
    let cohorts: [Cohort]

    private enum CodingKeys: String, CodingKey { case courseId, instructorId, status, title, capacity, cohorts, price }
    private enum CohortKeys: String, CodingKey { case id, capacity }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(course.id, forKey: .courseId)
        try container.encode(course.instructorId, forKey: .instructorId)
        try container.encode(course.status, forKey: .status)
        try container.encode(course.title, forKey: .title)
        try container.encode(course.capacity, forKey: .capacity)
        try container.encode(course.price, forKey: .price)
        var list = container.nestedUnkeyedContainer(forKey: .cohorts)
        for cohort in cohorts {
            var entry = list.nestedContainer(keyedBy: CohortKeys.self)
            try entry.encode(cohort.id, forKey: .id)
            try entry.encode(cohort.capacity, forKey: .capacity)
        }
    }
}

/// `course.reviewed` (a review written or edited) and `course.review_deleted`: the review and
/// the course's rating after it.
struct ReviewEvent: Encodable, Sendable {
    let courseId: UUID
    let reviewId: UUID
    let userId: UUID
    let rating: Int
    let average: Double?
    let count: Int

    private enum CodingKeys: String, CodingKey { case courseId, reviewId, userId, rating, average, count }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(courseId, forKey: .courseId)
        try container.encode(reviewId, forKey: .reviewId)
        try container.encode(userId, forKey: .userId)
        try container.encode(rating, forKey: .rating)
        try container.encode(average, forKey: .average)
        try container.encode(count, forKey: .count)
    }
}
