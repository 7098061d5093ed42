import Foundation
import HTTPTypes
import Shared

/// Reviews, and the rating they add up to. Each change adjusts the course's stored sum, count
/// and average in its own transaction, with the course row locked, so the rating is always the
/// one of the reviews that exist and reads never aggregate.
struct ReviewStore: Sendable {
    let database: Database
    let outbox: Outbox
    let cache: CourseCache

    /// The course's reviews, newest first.
    func list(of courseId: UUID, before: UUID?, limit: Int) async throws -> [Review] {
        var filters: [SQL] = ["course_id = \(courseId)"]
        if let before { filters.append("id < \(before)") }
        return try await database.query("""
            SELECT \(Rows.review) FROM reviews WHERE \(SQL(joining: filters, separator: " AND ")) ORDER BY id DESC LIMIT \(limit + 1)
            """).map(Rows.review)
    }

    /// Records a learner's review: only a learner whose enrolment is active or completed may
    /// write one, only one per course, and never the course's own instructor.
    func create(on courseId: UUID, by viewer: Viewer, userId: UUID, _ order: ReviewOrder) async throws -> Review {
        try await write(courseId, by: viewer) { transaction, course in
            guard course.instructorId != userId else { throw Problem.forbidden("instructors do not review their own courses") }
            guard try await LearnerStore.isLearner(userId, of: courseId, in: transaction) else {
                throw Problem(.forbidden, code: "not_enrolled",
                              detail: "only learners with an active or completed enrolment in the course may review it")
            }
            guard let row = try await transaction.queryFirst("""
                INSERT INTO reviews (id, course_id, user_id, rating, text)
                VALUES (\(UUIDv7.make()), \(courseId), \(userId), \(Int(order.rating)), \(order.storedText))
                ON CONFLICT (course_id, user_id) DO NOTHING
                RETURNING \(Rows.review)
                """) else {
                let existing = try await transaction.queryFirst("SELECT id FROM reviews WHERE course_id = \(courseId) AND user_id = \(userId)")!
                throw CourseConflict.alreadyReviewed(try existing.decode("id"))
            }
            let review = try Rows.review(row)
            return (review, review, ratingChange: (sum: review.rating, count: 1))
        }
    }

    /// Replaces the rating and text of a review; only its author may.
    func update(_ reviewId: UUID, on courseId: UUID, by viewer: Viewer, _ order: ReviewOrder) async throws -> Review {
        try await write(courseId, by: viewer) { transaction, _ in
            let old = try await Self.review(reviewId, of: courseId, in: transaction)
            guard old.userId == viewer.userId else { throw Problem.forbidden("only the review's author may edit it") }
            let row = try await transaction.queryFirst("""
                UPDATE reviews SET rating = \(Int(order.rating)), text = \(order.storedText), updated_at = now()
                WHERE id = \(reviewId) RETURNING \(Rows.review)
                """)!
            let review = try Rows.review(row)
            return (review, review, ratingChange: (sum: review.rating - old.rating, count: 0))
        }
    }

    /// Deletes a review; its author or an administrator may.
    func delete(_ reviewId: UUID, on courseId: UUID, by viewer: Viewer) async throws {
        try await write(courseId, by: viewer, event: "course.review_deleted") { transaction, _ in
            let review = try await Self.review(reviewId, of: courseId, in: transaction)
            guard review.userId == viewer.userId || viewer.isAdmin else {
                throw Problem.forbidden("only the review's author or an administrator may delete it")
            }
            try await transaction.execute("DELETE FROM reviews WHERE id = \(reviewId)")
            return ((), review, ratingChange: (sum: -review.rating, count: -1))
        }
    }

    /// Runs a review change with the course locked, applies its change to the rating, publishes
    /// `event`, and after the commit retires the cached copies that show the rating.
    private func write<T>(
        _ courseId: UUID, by viewer: Viewer, event: String = "course.reviewed",
        _ body: (Transaction, Course) async throws -> (T, Review, ratingChange: (sum: Int, count: Int))
    ) async throws -> T {
        let result = try await database.transaction { transaction in
            let course = try await CourseStore.lock(courseId, for: viewer, in: transaction)
            let (result, review, change) = try await body(transaction, course)
            let rating = try await transaction.queryFirst("""
                UPDATE courses SET rating_sum = rating_sum + \(change.sum), rating_count = rating_count + \(change.count),
                    rating_average = CASE WHEN rating_count + \(change.count) = 0 THEN 0
                                          ELSE round((rating_sum + \(change.sum))::numeric / (rating_count + \(change.count)), 2) END
                WHERE id = \(courseId)
                RETURNING rating_count, rating_average::text AS rating_average
                """)!
            let count: Int = try rating.decode("rating_count")
            try await outbox.publish(event, subject: CourseStore.subject(courseId), data: ReviewEvent(
                courseId: courseId, reviewId: review.id, userId: review.userId, rating: review.rating,
                average: count > 0 ? try rating.decode("rating_average", as: Double.self) : nil, count: count), in: transaction)
            return result
        }
        await cache.invalidate(course: courseId)
        return result
    }

    private static func review(_ id: UUID, of courseId: UUID, in transaction: Transaction) async throws -> Review {
        guard let row = try await transaction.queryFirst("""
            SELECT \(Rows.review) FROM reviews WHERE id = \(id) AND course_id = \(courseId)
            """) else { throw Problem.notFound("review", id: id) }
        return try Rows.review(row)
    }
}
