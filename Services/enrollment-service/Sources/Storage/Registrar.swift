import Foundation
import HTTPTypes
import Shared

/// Puts learners into courses: enrolls them when a seat is free, queues them when the course
/// (or cohort) is full, and turns a waitlist offer into an enrollment. Every path runs with
/// the course's seats locked (`SeatPools`), so seats are handed out one at a time.
struct Registrar: Sendable {
    let database: Database
    let outbox: Outbox
    let seats: SeatPools
    let waitlists: WaitlistBook
    let paymentWindow: Duration

    /// What an enrollment request came to.
    enum Outcome: Sendable {
        /// Enrolled (active for a free course, pending payment for a paid one).
        case enrolled(Enrollment)
        /// The course or cohort is full: the learner waits in line (`created` false when they
        /// already were).
        case waitlisted(WaitlistEntry, created: Bool)
    }

    /// Enrolls the learner, or queues them when no seat is free. A learner who already holds a
    /// waitlist offer for the course takes it; one already waiting keeps their place.
    /// - Throws: 409 `course_not_open`, `already_enrolled`, `prerequisites_missing`,
    ///   `already_waiting` (for another cohort); 422 for a cohort the course does not have.
    func enroll(userId: UUID, in course: Course, cohortId requested: UUID?, now: Date) async throws -> Outcome {
        try EnrollmentPolicy.requireOpen(course)
        let cohortId = try EnrollmentPolicy.cohort(requested, of: course, now: now)
        return try await database.transaction { transaction in
            let plan = try await admit(userId: userId, to: course, now: now, in: transaction)
            if let entry = try await WaitlistBook.openEntry(userId: userId, courseId: course.id, in: transaction) {
                guard entry.cohortId == cohortId else { throw Self.waitingElsewhere(entry) }
                if entry.status == .offered { return .enrolled(try await take(entry, of: course, now: now, in: transaction)) }
                return .waitlisted(entry, created: false)
            }
            if plan.hasSeat(cohort: cohortId) {
                return .enrolled(try await create(userId: userId, in: course, cohortId: cohortId, entryId: nil, now: now, in: transaction))
            }
            return .waitlisted(try await queue(userId: userId, courseId: course.id, cohortId: cohortId, now: now, in: transaction),
                               created: true)
        }
    }

    /// Puts the learner in line for the course (or one cohort of it), for those who would rather
    /// wait than be told to enroll.
    /// - Throws: 409 `seat_available` when a seat is free (enroll instead), `already_waiting`,
    ///   `already_enrolled`, `course_not_open`, `prerequisites_missing`; 422 for a wrong cohort.
    func join(userId: UUID, course: Course, cohortId requested: UUID?, now: Date) async throws -> WaitlistEntry {
        try EnrollmentPolicy.requireOpen(course)
        let cohortId = try EnrollmentPolicy.cohort(requested, of: course, now: now)
        return try await database.transaction { transaction in
            let plan = try await admit(userId: userId, to: course, now: now, in: transaction)
            if let entry = try await WaitlistBook.openEntry(userId: userId, courseId: course.id, in: transaction) {
                throw Problem(.conflict, code: "already_waiting", detail: "you are already on the waitlist of course \(course.id)",
                              extensions: ["entryId": .string(entry.id.uuidString)])
            }
            if plan.hasSeat(cohort: cohortId) {
                throw Problem.conflict("seat_available", "a seat is free in course \(course.id): enroll with POST /enrollments instead")
            }
            return try await queue(userId: userId, courseId: course.id, cohortId: cohortId, now: now, in: transaction)
        }
    }

    /// Turns the learner's offer into an enrollment. An offer found past its time is expired on
    /// the spot (its seat goes to the next in line) and refused.
    /// - Throws: 404 `not_waiting`; 409 `no_offer`, `offer_expired`, `course_not_open`,
    ///   `prerequisites_missing`, `already_enrolled`.
    func accept(userId: UUID, course: Course, now: Date) async throws -> Enrollment {
        enum Answer { case accepted(Enrollment), expired(WaitlistEntry) }
        let answer = try await database.transaction { transaction -> Answer in
            try await seats.refreshAndLock(course, in: transaction)
            guard let entry = try await WaitlistBook.openEntry(userId: userId, courseId: course.id, in: transaction) else {
                throw Problem(.notFound, code: "not_waiting", detail: "you are not on the waitlist of course \(course.id)")
            }
            guard entry.status == .offered, let expiresAt = entry.offerExpiresAt else { throw WaitlistBook.noOffer(entry) }
            if expiresAt <= now {
                let expired = try await waitlists.end(entry, as: .offerExpired, now: now, in: transaction)
                try await outbox.publish("offer_expired", expired, in: transaction)
                try await seats.offerFreeSeats(course.id, now: now, in: transaction)
                return .expired(expired)
            }
            try EnrollmentPolicy.requireOpen(course)
            try await requireEligible(userId: userId, for: course, in: transaction)
            return .accepted(try await take(entry, of: course, now: now, in: transaction))
        }
        switch answer {
        case .accepted(let enrollment):
            return enrollment
        case .expired(let entry):
            throw Problem.conflict("offer_expired", "the seat offered to you was held until \(Timestamp.format(entry.offerExpiresAt ?? now))")
        }
    }

    /// Locks the course's seats with its limits refreshed, refuses a learner who is enrolled
    /// already or lacks a prerequisite, and offers any free seat to those already in line (they
    /// come before a newcomer).
    private func admit(userId: UUID, to course: Course, now: Date, in transaction: Transaction) async throws -> SeatPlan {
        try await seats.refreshAndLock(course, in: transaction)
        try await requireEligible(userId: userId, for: course, in: transaction)
        return try await seats.offerFreeSeats(course.id, now: now, in: transaction)
    }

    /// Refuses a learner who is enrolled in the course already or lacks one of its prerequisites.
    private func requireEligible(userId: UUID, for course: Course, in transaction: Transaction) async throws {
        if let live = try await EnrollmentStore.live(userId: userId, courseId: course.id, in: transaction) {
            throw EnrollmentStore.alreadyEnrolled(live)
        }
        let completed = try await EnrollmentStore.completedCourses(userId: userId, among: course.prerequisites, in: transaction)
        try EnrollmentPolicy.requirePrerequisites(of: course, completed: completed)
    }

    private func create(userId: UUID, in course: Course, cohortId: UUID?, entryId: UUID?, now: Date,
                        in transaction: Transaction) async throws -> Enrollment {
        let (status, paymentDueAt) = EnrollmentPolicy.start(for: course, now: now, paymentWindow: paymentWindow)
        let activatedAt: Date? = status == .active ? now : nil
        let enrollment = try Rows.enrollment(try await transaction.queryFirst("""
            INSERT INTO enrollments AS e (id, user_id, course_id, cohort_id, course_title, status, price_amount, price_currency,
                                         payment_due_at, activated_at, waitlist_entry_id, created_at, updated_at)
            VALUES (\(UUIDv7.make(at: now)), \(userId), \(course.id), \(cohortId), \(course.title), \(status), \(course.price.amount),
                    \(course.price.currency), \(paymentDueAt), \(activatedAt), \(entryId), \(now), \(now))
            RETURNING \(Rows.enrollment)
            """)!)
        try await outbox.publish("created", enrollment, in: transaction)
        return enrollment
    }

    /// The offered seat becomes the learner's enrollment.
    private func take(_ entry: WaitlistEntry, of course: Course, now: Date, in transaction: Transaction) async throws -> Enrollment {
        let enrollment = try await create(userId: entry.userId, in: course, cohortId: entry.cohortId, entryId: entry.id, now: now,
                                          in: transaction)
        try await transaction.execute("""
            UPDATE waitlist_entries SET status = 'accepted', ended_at = \(now), enrollment_id = \(enrollment.id) WHERE id = \(entry.id)
            """)
        try await outbox.publish("accepted", try await WaitlistBook.entry(entry.id, in: transaction), in: transaction)
        return enrollment
    }

    private func queue(userId: UUID, courseId: UUID, cohortId: UUID?, now: Date, in transaction: Transaction) async throws -> WaitlistEntry {
        let id = UUIDv7.make(at: now)
        try await transaction.execute("""
            INSERT INTO waitlist_entries (id, user_id, course_id, cohort_id, status, joined_at)
            VALUES (\(id), \(userId), \(courseId), \(cohortId), 'waiting', \(now))
            """)
        let entry = try await WaitlistBook.entry(id, in: transaction)
        try await outbox.publish("joined", entry, in: transaction)
        return entry
    }

    private static func waitingElsewhere(_ entry: WaitlistEntry) -> Problem {
        let place = entry.cohortId.map { "cohort \($0)" } ?? "the course without a cohort"
        return Problem(.conflict, code: "already_waiting",
                       detail: "you are on the waitlist for \(place) of this course; leave it first to enroll elsewhere",
                       extensions: ["entryId": .string(entry.id.uuidString)])
    }
}
