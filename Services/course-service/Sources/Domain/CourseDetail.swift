import Foundation

/// `GET /courses/{id}`: the course with its prerequisites, cohorts and syllabus, the document
/// enrollment-service relies on.
struct CourseDetail: Encodable, Sendable {
    let course: Course
    let prerequisites: [UUID]
    let cohorts: [Cohort]
    let modules: [CourseModule]

    var lessonCount: Int { modules.reduce(0) { $0 + $1.lessons.count } }
    var totalDurationMinutes: Int { modules.reduce(0) { $0 + $1.lessons.reduce(0) { $0 + $1.durationMinutes } } }

    private enum CodingKeys: String, CodingKey { case prerequisites, cohorts, modules, lessonCount, totalDurationMinutes }

    func encode(to encoder: any Encoder) throws {
        try course.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prerequisites, forKey: .prerequisites)
        try container.encode(cohorts, forKey: .cohorts)
        try container.encode(modules, forKey: .modules)
        try container.encode(lessonCount, forKey: .lessonCount)
        try container.encode(totalDurationMinutes, forKey: .totalDurationMinutes)
    }
}

/// A course as the catalog lists it: its own fields and the size of its syllabus.
struct CourseSummary: Encodable, Sendable {
    let course: Course
    let lessonCount: Int
    let totalDurationMinutes: Int
    /// The search rank, when the list was searched.
    let relevance: Double?

    private enum CodingKeys: String, CodingKey { case lessonCount, totalDurationMinutes, relevance }

    func encode(to encoder: any Encoder) throws {
        try course.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lessonCount, forKey: .lessonCount)
        try container.encode(totalDurationMinutes, forKey: .totalDurationMinutes)
        try container.encodeIfPresent(relevance, forKey: .relevance)
    }
}
