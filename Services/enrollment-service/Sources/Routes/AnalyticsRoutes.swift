import Foundation
import Hummingbird
import Shared

/// `/enrollments/analytics/courses/{courseId}/…`: a course's enrollments over time, its funnel,
/// completion, drop-off by lesson and waitlist conversion, for its instructor and administrators.
/// The literal `analytics` segment never reaches `/enrollments/{id}`: these paths are five
/// segments long and no `{id}` route is.
struct AnalyticsRoutes: Sendable {
    let catalog: CourseCatalog
    let analytics: CourseAnalytics
    let clock: FleetClock

    func add(to group: RouterGroup<AppRequestContext>) {
        let course = group.group("/enrollments/analytics/courses/:courseId")

        course.get("timeline") { request, context in
            let course = try await staffCourse(context)
            let interval = try request.queryEnum("interval", as: CourseReports.Interval.self) ?? .day
            let to = try request.queryDate("to") ?? clock.now()
            let from = try request.queryDate("from") ?? to.addingTimeInterval(-30 * 86_400)
            guard from < to else { throw Problem.invalid("from", "must be before to") }
            guard to.timeIntervalSince(from) <= interval.maxSpan else {
                throw Problem.invalid("from", "the span is too long for one timeline by \(interval.rawValue) (at most about 1000 buckets)")
            }
            return try await analytics.timeline(course.id, interval: interval, from: from, to: to)
        }

        course.get("funnel") { _, context in
            try await analytics.funnel(try await staffCourse(context))
        }

        course.get("completion") { _, context in
            try await analytics.completion(try await staffCourse(context).id)
        }

        course.get("drop-off") { _, context in
            try await analytics.dropOff(try await staffCourse(context))
        }

        course.get("waitlist") { _, context in
            try await analytics.waitlist(try await staffCourse(context).id)
        }
    }

    /// The course in the path, which the caller must run.
    private func staffCourse(_ context: AppRequestContext) async throws -> Course {
        _ = try context.requirePrincipal()
        let course = try await catalog.require(try context.parameters.require("courseId", as: UUID.self))
        try EnrollmentAccess.requireStaff(of: course, context)
        return course
    }
}
