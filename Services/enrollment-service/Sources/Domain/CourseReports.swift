import Foundation

/// The analytics of one course, as the instructor reads them. "Enrolled" means enrollments
/// that ever became active (free ones at once, paid ones once paid): a learner who never paid
/// never had access.
enum CourseReports {
    /// `part / whole`, rounded to four decimals; `nil` when there is nothing to divide by.
    static func rate(_ part: Int, of whole: Int) -> Double? {
        guard whole > 0 else { return nil }
        return (Double(part) / Double(whole) * 10_000).rounded() / 10_000
    }

    /// The bucket width of a timeline.
    enum Interval: String, Codable, CaseIterable, Sendable {
        case day, week, month

        /// The longest span of time one timeline may cover, so that it has at most about 1000 buckets.
        var maxSpan: TimeInterval {
            switch self {
            case .day: 1_000 * 86_400
            case .week: 1_000 * 7 * 86_400
            case .month: 1_000 * 31 * 86_400
            }
        }
    }

    /// Enrollments created per bucket, split by their status now.
    struct Timeline: Codable, Sendable {
        let courseId: UUID
        let interval: Interval
        let from: Date
        let to: Date
        let buckets: [Bucket]

        struct Bucket: Codable, Sendable {
            /// The bucket's first moment (UTC; weeks start on Monday).
            let start: Date
            let total: Int
            let byStatus: [String: Int]
        }
    }

    /// enrolled → started (any lesson) → halfway (half the required lessons, rounded up) →
    /// completed. Each stage counts the learners who reached it or any later one.
    struct Funnel: Codable, Sendable {
        let courseId: UUID
        let requiredLessons: Int
        let stages: [Stage]

        struct Stage: Codable, Sendable {
            let stage: String
            let count: Int
            /// Of the enrolled.
            let rate: Double?
            /// Of the stage before.
            let stepRate: Double?
        }

        init(courseId: UUID, requiredLessons: Int, counts: [(String, Int)]) {
            self.courseId = courseId
            self.requiredLessons = requiredLessons
            let enrolled = counts.first?.1 ?? 0
            var stages: [Stage] = []
            var previous: Int?
            for (name, count) in counts {
                stages.append(Stage(stage: name, count: count, rate: CourseReports.rate(count, of: enrolled),
                                    stepRate: previous.flatMap { CourseReports.rate(count, of: $0) }))
                previous = count
            }
            self.stages = stages
        }
    }

    /// How many of the enrolled completed, and how long it took them (from activation).
    struct Completion: Codable, Sendable {
        let courseId: UUID
        let enrolled: Int
        let completed: Int
        let completionRate: Double?
        let medianSecondsToComplete: Double?
        let p90SecondsToComplete: Double?
    }

    /// Where learners who have not completed stopped: for each lesson in course order, how many
    /// learners' last completed lesson it was.
    struct DropOff: Codable, Sendable {
        let courseId: UUID
        /// Enrolled learners who have not completed the course.
        let learners: Int
        /// Of those, how many completed no lesson at all.
        let completedNoLesson: Int
        let lessons: [Lesson]

        struct Lesson: Codable, Sendable {
            let lessonId: UUID
            let title: String
            let required: Bool
            /// 1-based place in course order.
            let order: Int
            let stoppedAfter: Int
            /// Of `learners`.
            let rate: Double?
        }
    }

    /// What became of the course's waitlist entries.
    struct Waitlist: Codable, Sendable {
        let courseId: UUID
        let joined: Int
        /// Entries that ever received an offer.
        let offered: Int
        let accepted: Int
        let declined: Int
        let offerExpired: Int
        let left: Int
        /// Open now.
        let waiting: Int
        let holdingOffer: Int
        /// accepted / joined.
        let conversionRate: Double?
        /// accepted / offered.
        let offerAcceptanceRate: Double?
        /// Median seconds from joining to the first offer, over entries that got one.
        let medianSecondsToOffer: Double?
    }
}
