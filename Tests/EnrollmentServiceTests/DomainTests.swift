import Foundation
import Shared
import Testing

@testable import EnrollmentService

/// The rules that need no database: seats, eligibility, progress arithmetic.
@Suite struct DomainTests {
    private func course(capacity: Int? = nil, price: Int64 = 0, status: String = "published", cohorts: [Course.Cohort] = [],
                        prerequisites: [UUID] = [], lessons: [(UUID, Bool)] = []) -> Course {
        Course(id: UUID(), title: "Swift", price: Money(amount: price, currency: "USD"), instructorId: UUID(), status: status,
               capacity: capacity, prerequisites: prerequisites, cohorts: cohorts,
               modules: [Course.Module(id: UUID(), title: "M", position: 1,
                                       lessons: lessons.enumerated().map { Course.Lesson(id: $1.0, title: "L\($0)", required: $1.1, position: $0 + 1) })])
    }

    @Test func offersGoFirstComeFirstServedAndAFullCohortDoesNotBlockAnother() {
        let (a, b) = (UUID(), UUID())
        var plan = SeatPlan(course: .init(capacity: 10, held: 7), cohorts: [a: .init(capacity: 2, held: 2), b: .init(capacity: 5, held: 4)])
        let queue: [(String, UUID?)] = [("first, waits for full a", a), ("second, b", b), ("third, b", b), ("fourth, a", a)]
        let chosen = plan.offers(to: queue) { $0.1 }.map(\.0)
        #expect(chosen == ["second, b"])
        #expect(plan.course.held == 8)
        #expect(plan.cohorts[b]?.held == 5)
    }

    @Test func theCourseLimitCapsEveryCohort() {
        let a = UUID()
        var plan = SeatPlan(course: .init(capacity: 3, held: 1), cohorts: [a: .init(capacity: nil, held: 1)])
        #expect(plan.hasSeat(cohort: a))
        let chosen = plan.offers(to: [1, 2, 3, 4]) { _ in a }
        #expect(chosen == [1, 2])
        #expect(!plan.hasSeat(cohort: a))
        #expect(!plan.hasSeat(cohort: nil))
        // A move between cohorts needs room only in the cohort.
        #expect(plan.cohortHasRoom(a))
    }

    @Test func unlimitedPoolsAlwaysHaveASeat() {
        var plan = SeatPlan(course: .init(capacity: nil, held: 1_000), cohorts: [:])
        #expect(plan.offers(to: Array(1...50)) { _ in nil }.count == 50)
    }

    @Test func aDraftIsNotOpenAndACohortCourseNeedsOneOfItsCohorts() throws {
        #expect(throws: Problem.self) { try EnrollmentPolicy.requireOpen(course(status: "draft")) }
        try EnrollmentPolicy.requireOpen(course())
        let now = Date()
        let open = Course.Cohort(id: UUID(), name: "Spring", startsAt: nil, endsAt: nil, capacity: 10)
        let ended = Course.Cohort(id: UUID(), name: "Winter", startsAt: nil, endsAt: now.addingTimeInterval(-60), capacity: 10)
        let withCohorts = course(cohorts: [open, ended])
        #expect(try EnrollmentPolicy.cohort(open.id, of: withCohorts, now: now) == open.id)
        for requested in [nil, ended.id, UUID()] {
            let problem = #expect(throws: Problem.self) { try EnrollmentPolicy.cohort(requested, of: withCohorts, now: now) }
            #expect(problem?.fieldErrors.map(\.field) == ["cohortId"])
        }
        #expect(try EnrollmentPolicy.cohort(nil, of: course(), now: now) == nil)
    }

    @Test func missingPrerequisitesAreListed() {
        let (a, b) = (UUID(), UUID())
        let needs = course(prerequisites: [a, b])
        #expect(EnrollmentPolicy.missingPrerequisites(of: needs, completed: [b]) == [a])
        let problem = #expect(throws: Problem.self) { try EnrollmentPolicy.requirePrerequisites(of: needs, completed: []) }
        #expect(problem?.code == "prerequisites_missing")
        #expect(problem?.extensions["missingPrerequisites"] == .array([.string(a.uuidString), .string(b.uuidString)]))
    }

    @Test func aFreeCourseStartsActiveAndAPaidOneWaitsForItsPayment() {
        let now = Date()
        #expect(EnrollmentPolicy.start(for: course(), now: now, paymentWindow: .seconds(60)) == (.active, nil))
        let paid = EnrollmentPolicy.start(for: course(price: 4_999), now: now, paymentWindow: .seconds(60))
        #expect(paid.status == .pendingPayment && paid.paymentDueAt == now.addingTimeInterval(60))
    }

    @Test func progressCountsRequiredLessonsInCourseOrder() {
        let lessons = [(UUID(), true), (UUID(), false), (UUID(), true), (UUID(), true)]
        let course = course(lessons: lessons)
        let now = Date()
        let enrollment = Enrollment(id: UUID(), userId: UUID(), courseId: course.id, cohortId: nil, courseTitle: "Swift", status: .active,
                                    price: Money(amount: 0, currency: "USD"), paymentDueAt: nil, paymentId: nil, activatedAt: now,
                                    completedAt: nil, cancelledAt: nil, expiredAt: nil, accessExpiresAt: nil, createdAt: now, updatedAt: now)
        let report = ProgressReport(enrollment: enrollment, course: course, progress: [
            LessonProgress(lessonId: lessons[0].0, status: .completed, secondsSpent: 120, startedAt: now, completedAt: now, lastActivityAt: now),
            LessonProgress(lessonId: lessons[1].0, status: .completed, secondsSpent: 30, startedAt: now, completedAt: now,
                           lastActivityAt: now.addingTimeInterval(5)),
            LessonProgress(lessonId: lessons[2].0, status: .inProgress, secondsSpent: 10, startedAt: now, completedAt: nil, lastActivityAt: now),
        ])
        #expect(report.requiredLessons == 3)
        #expect(report.completedRequiredLessons == 1)
        #expect(report.percentComplete == 33)
        #expect(report.missingLessons == [lessons[2].0, lessons[3].0])
        #expect(report.secondsSpent == 160)
        #expect(report.lastActivityAt == now.addingTimeInterval(5))
        #expect(report.lessons.map(\.status) == [.completed, .completed, .inProgress, .notStarted])
    }

    @Test func ratesAreRoundedAndAbsentWithoutADenominator() {
        #expect(CourseReports.rate(1, of: 3) == 0.3333)
        #expect(CourseReports.rate(0, of: 0) == nil)
    }
}
