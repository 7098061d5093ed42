import Foundation
import Shared

/// The numbers behind a course's analytics, computed in PostgreSQL from this service's own
/// enrollments, progress and waitlists. "Enrolled" is an enrollment that ever became active.
struct CourseAnalytics: Sendable {
    let database: Database

    /// Enrollments created per bucket in `[from, to)`, by their status now; buckets without
    /// enrollments are listed with zeros.
    func timeline(_ courseId: UUID, interval: CourseReports.Interval, from: Date, to: Date) async throws -> CourseReports.Timeline {
        let rows = try await database.query("""
            WITH buckets AS (
                SELECT generate_series(date_trunc(\(interval.rawValue), \(from)::timestamptz AT TIME ZONE 'UTC'),
                                       \(to)::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond',
                                       ('1 ' || \(interval.rawValue))::interval) AS start
            )
            SELECT b.start AT TIME ZONE 'UTC' AS start, count(e.id) AS total,
                   count(e.id) FILTER (WHERE e.status = 'pending_payment') AS pending_payment,
                   count(e.id) FILTER (WHERE e.status = 'active') AS active,
                   count(e.id) FILTER (WHERE e.status = 'completed') AS completed,
                   count(e.id) FILTER (WHERE e.status = 'cancelled') AS cancelled,
                   count(e.id) FILTER (WHERE e.status = 'expired') AS expired
            FROM buckets b
            LEFT JOIN enrollments e ON e.course_id = \(courseId) AND e.created_at >= \(from) AND e.created_at < \(to)
                 AND date_trunc(\(interval.rawValue), e.created_at AT TIME ZONE 'UTC') = b.start
            GROUP BY b.start ORDER BY b.start
            """)
        let buckets = try rows.map { row in
            CourseReports.Timeline.Bucket(
                start: try row.decode("start"), total: try row.decode("total"),
                byStatus: Dictionary(uniqueKeysWithValues: try EnrollmentStatus.allCases.map { ($0.rawValue, try row.decode($0.rawValue, as: Int.self)) }))
        }
        return CourseReports.Timeline(courseId: courseId, interval: interval, from: from, to: to, buckets: buckets)
    }

    /// enrolled → started → halfway → completed, each stage counting those who got at least that far.
    func funnel(_ course: Course) async throws -> CourseReports.Funnel {
        let required = course.requiredLessons.map(\.id)
        let half = (required.count + 1) / 2
        let row = try await database.queryFirst("""
            WITH enrolled AS (
                SELECT id, status = 'completed' AS done FROM enrollments WHERE course_id = \(course.id) AND activated_at IS NOT NULL
            ), progress AS (
                SELECT p.enrollment_id,
                       count(*) FILTER (WHERE p.status = 'completed' AND p.lesson_id = ANY(\(required)::uuid[])) AS required_done
                FROM lesson_progress p JOIN enrolled ON enrolled.id = p.enrollment_id GROUP BY p.enrollment_id
            )
            SELECT count(*) AS enrolled,
                   count(*) FILTER (WHERE p.enrollment_id IS NOT NULL OR e.done) AS started,
                   count(*) FILTER (WHERE (p.enrollment_id IS NOT NULL AND p.required_done >= \(half)) OR e.done) AS halfway,
                   count(*) FILTER (WHERE e.done) AS completed
            FROM enrolled e LEFT JOIN progress p ON p.enrollment_id = e.id
            """)!
        let counts = try ["enrolled", "started", "halfway", "completed"].map { ($0, try row.decode($0, as: Int.self)) }
        return CourseReports.Funnel(courseId: course.id, requiredLessons: required.count, counts: counts)
    }

    /// The completion rate and the median and 90th percentile of the time from activation to completion.
    func completion(_ courseId: UUID) async throws -> CourseReports.Completion {
        let row = try await database.queryFirst("""
            SELECT count(*) FILTER (WHERE activated_at IS NOT NULL) AS enrolled,
                   count(*) FILTER (WHERE status = 'completed') AS completed,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - activated_at))
                       FILTER (WHERE status = 'completed') AS median,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - activated_at))
                       FILTER (WHERE status = 'completed') AS p90
            FROM enrollments WHERE course_id = \(courseId)
            """)!
        let enrolled: Int = try row.decode("enrolled")
        let completed: Int = try row.decode("completed")
        return CourseReports.Completion(courseId: courseId, enrolled: enrolled, completed: completed,
                                        completionRate: CourseReports.rate(completed, of: enrolled),
                                        medianSecondsToComplete: try row.decode("median"), p90SecondsToComplete: try row.decode("p90"))
    }

    /// For each lesson in course order, how many of the enrolled who have not completed the
    /// course completed it last.
    func dropOff(_ course: Course) async throws -> CourseReports.DropOff {
        let totals = try await database.queryFirst("""
            SELECT count(*) AS learners,
                   count(*) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM lesson_progress p WHERE p.enrollment_id = e.id AND p.status = 'completed')) AS none
            FROM enrollments e WHERE e.course_id = \(course.id) AND e.activated_at IS NOT NULL AND e.status <> 'completed'
            """)!
        let last = try await database.query("""
            SELECT lesson_id, count(*) AS learners FROM (
                SELECT DISTINCT ON (p.enrollment_id) p.enrollment_id, p.lesson_id
                FROM lesson_progress p JOIN enrollments e ON e.id = p.enrollment_id
                WHERE e.course_id = \(course.id) AND e.activated_at IS NOT NULL AND e.status <> 'completed' AND p.status = 'completed'
                ORDER BY p.enrollment_id, p.completed_at DESC, p.lesson_id
            ) latest GROUP BY lesson_id
            """)
        let stopped = Dictionary(uniqueKeysWithValues: try last.map { (try $0.decode("lesson_id", as: UUID.self), try $0.decode("learners", as: Int.self)) })
        let learners: Int = try totals.decode("learners")
        let lessons = course.lessonsInOrder.enumerated().map { index, lesson in
            CourseReports.DropOff.Lesson(lessonId: lesson.id, title: lesson.title, required: lesson.required, order: index + 1,
                                         stoppedAfter: stopped[lesson.id] ?? 0, rate: CourseReports.rate(stopped[lesson.id] ?? 0, of: learners))
        }
        return CourseReports.DropOff(courseId: course.id, learners: learners, completedNoLesson: try totals.decode("none"), lessons: lessons)
    }

    /// What became of the course's waitlist entries.
    func waitlist(_ courseId: UUID) async throws -> CourseReports.Waitlist {
        let row = try await database.queryFirst("""
            SELECT count(*) AS joined,
                   count(*) FILTER (WHERE offered_at IS NOT NULL) AS offered,
                   count(*) FILTER (WHERE status = 'accepted') AS accepted,
                   count(*) FILTER (WHERE status = 'declined') AS declined,
                   count(*) FILTER (WHERE status = 'offer_expired') AS offer_expired,
                   count(*) FILTER (WHERE status = 'left') AS left_queue,
                   count(*) FILTER (WHERE status = 'waiting') AS waiting,
                   count(*) FILTER (WHERE status = 'offered') AS holding_offer,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM offered_at - joined_at))
                       FILTER (WHERE offered_at IS NOT NULL) AS median_to_offer
            FROM waitlist_entries WHERE course_id = \(courseId)
            """)!
        let joined: Int = try row.decode("joined")
        let offered: Int = try row.decode("offered")
        let accepted: Int = try row.decode("accepted")
        return CourseReports.Waitlist(
            courseId: courseId, joined: joined, offered: offered, accepted: accepted, declined: try row.decode("declined"),
            offerExpired: try row.decode("offer_expired"), left: try row.decode("left_queue"), waiting: try row.decode("waiting"),
            holdingOffer: try row.decode("holding_offer"), conversionRate: CourseReports.rate(accepted, of: joined),
            offerAcceptanceRate: CourseReports.rate(accepted, of: offered), medianSecondsToOffer: try row.decode("median_to_offer"))
    }
}
