/// Where a course is in its life: written by its instructor (`draft`), checked by an
/// administrator (`in_review`), open to learners (`published`), then retired (`archived`).
enum CourseStatus: String, Codable, Sendable, CaseIterable {
    case draft
    case inReview = "in_review"
    case published
    case archived
}

/// Who a course is written for.
enum CourseLevel: String, Codable, Sendable, CaseIterable {
    case beginner, intermediate, advanced
    case allLevels = "all_levels"
}
