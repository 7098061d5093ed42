import Foundation
import Shared

extension CourseStatus: PostgresTextDecodable {}
extension CourseLevel: PostgresTextDecodable {}
extension LessonKind: PostgresTextDecodable {}

/// The columns each query selects and how a row becomes a domain value; every query of a
/// course names the table `c`.
enum Rows {
    static let course: SQL = """
        c.id, c.instructor_id, c.title, c.subtitle, c.description, c.category, c.level, c.language, c.tags,
        c.price_amount, c.price_currency, c.capacity, c.status, c.rejection_reason, c.rating_count,
        c.rating_average::text AS rating_average, c.created_at, c.updated_at, c.published_at
        """
    static let lesson: SQL = """
        id, module_id, title, kind, duration_minutes, required, position, video_url, body, quiz_id, instructions
        """
    static let cohort: SQL = "id, name, starts_at, ends_at, capacity"
    static let review: SQL = "id, course_id, user_id, rating, text, created_at, updated_at"

    static func course(_ row: PostgresRow) throws -> Course {
        let ratingCount: Int = try row.decode("rating_count")
        return Course(
            id: try row.decode("id"), instructorId: try row.decode("instructor_id"), title: try row.decode("title"),
            subtitle: try row.decode("subtitle"), description: try row.decode("description"), category: try row.decode("category"),
            level: try row.decode("level"), language: try row.decode("language"), tags: try row.decode("tags"),
            price: Money(amount: try row.decode("price_amount"), currency: try row.decode("price_currency")),
            capacity: try row.decode("capacity"), status: try row.decode("status"),
            rejectionReason: try row.decode("rejection_reason"),
            rating: Rating(average: ratingCount > 0 ? try row.decode("rating_average", as: Double.self) : nil, count: ratingCount),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"), publishedAt: try row.decode("published_at"))
    }

    static func lesson(_ row: PostgresRow) throws -> Lesson {
        Lesson(id: try row.decode("id"), moduleId: try row.decode("module_id"), title: try row.decode("title"),
               kind: try row.decode("kind"), durationMinutes: try row.decode("duration_minutes"), required: try row.decode("required"),
               position: try row.decode("position"),
               content: LessonContent(videoUrl: try row.decode("video_url"), body: try row.decode("body"),
                                      quizId: try row.decode("quiz_id"), instructions: try row.decode("instructions")))
    }

    static func cohort(_ row: PostgresRow) throws -> Cohort {
        Cohort(id: try row.decode("id"), name: try row.decode("name"), startsAt: try row.decode("starts_at"),
               endsAt: try row.decode("ends_at"), capacity: try row.decode("capacity"))
    }

    static func review(_ row: PostgresRow) throws -> Review {
        Review(id: try row.decode("id"), courseId: try row.decode("course_id"), userId: try row.decode("user_id"),
               rating: try row.decode("rating"), text: try row.decode("text"), createdAt: try row.decode("created_at"),
               updatedAt: try row.decode("updated_at"))
    }
}
