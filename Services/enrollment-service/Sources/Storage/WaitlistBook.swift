import Foundation
import HTTPTypes
import Shared

/// The learner's side of a waitlist besides joining and accepting (see `Registrar`): reading
/// one's place, leaving, declining an offer; and the instructor's view of the queue.
struct WaitlistBook: Sendable {
    let database: Database
    let outbox: Outbox
    let seats: SeatPools

    /// The learner's open entry for the course (waiting or holding an offer), if any; only in
    /// that cohort when one is named.
    func mine(userId: UUID, courseId: UUID, cohortId: UUID?) async throws -> WaitlistEntry? {
        let cohort: SQL = cohortId.map { "AND w.cohort_id = \($0)" } ?? ""
        return try await database.queryFirst("""
            SELECT \(Rows.entry) FROM waitlist_entries w
            WHERE w.user_id = \(userId) AND w.course_id = \(courseId) AND w.status IN ('waiting', 'offered') \(cohort)
            """).map(Rows.entry)
    }

    /// Takes the learner out of the queue; a seat they were offered goes to the next in line.
    /// - Throws: 404 when they are not waiting for the course.
    func leave(userId: UUID, courseId: UUID, cohortId: UUID?, now: Date) async throws -> WaitlistEntry {
        try await database.transaction { transaction in
            let entry = try await lockedOpenEntry(userId: userId, courseId: courseId, cohortId: cohortId, in: transaction)
            let left = try await end(entry, as: .left, now: now, in: transaction)
            try await outbox.publish("left", left, reason: "left", in: transaction)
            if entry.status == .offered { try await seats.offerFreeSeats(courseId, now: now, in: transaction) }
            return left
        }
    }

    /// Turns down the seat offered; it goes to the next in line.
    /// - Throws: 404 when not waiting; 409 `no_offer` when no seat is offered to the learner.
    func decline(userId: UUID, courseId: UUID, now: Date) async throws -> WaitlistEntry {
        try await database.transaction { transaction in
            let entry = try await lockedOpenEntry(userId: userId, courseId: courseId, cohortId: nil, in: transaction)
            guard entry.status == .offered else { throw Self.noOffer(entry) }
            let declined = try await end(entry, as: .declined, now: now, in: transaction)
            try await outbox.publish("left", declined, reason: "declined", in: transaction)
            try await seats.offerFreeSeats(courseId, now: now, in: transaction)
            return declined
        }
    }

    /// The course's entries in queue order (every status unless one is asked for), after the
    /// cursor's sequence number.
    func queue(courseId: UUID, status: WaitlistStatus?, cohortId: UUID?, after cursor: Int64?, limit: Int) async throws
        -> [(seq: Int64, entry: WaitlistEntry)]
    {
        var conditions: [SQL] = ["w.course_id = \(courseId)"]
        if let status { conditions.append("w.status = \(status)") }
        if let cohortId { conditions.append("w.cohort_id = \(cohortId)") }
        if let cursor { conditions.append("w.seq > \(cursor)") }
        return try await database.query("""
            SELECT w.seq, \(Rows.entry) FROM waitlist_entries w WHERE \(SQL(joining: conditions, separator: " AND "))
            ORDER BY w.seq LIMIT \(limit + 1)
            """).map { (try $0.decode("seq"), try Rows.entry($0)) }
    }

    /// The learner's open entry, locked along with the course's seats.
    private func lockedOpenEntry(userId: UUID, courseId: UUID, cohortId: UUID?, in transaction: Transaction) async throws -> WaitlistEntry {
        guard try await seats.lock(courseId, in: transaction),
              let entry = try await Self.openEntry(userId: userId, courseId: courseId, in: transaction),
              cohortId == nil || entry.cohortId == cohortId else {
            throw Problem(.notFound, code: "not_waiting", detail: "you are not on the waitlist of course \(courseId)")
        }
        return entry
    }

    /// Closes an open entry with a final status.
    func end(_ entry: WaitlistEntry, as status: WaitlistStatus, now: Date, in transaction: Transaction) async throws -> WaitlistEntry {
        try Rows.entry(try await transaction.queryFirst("""
            UPDATE waitlist_entries AS w SET status = \(status), ended_at = \(now) WHERE w.id = \(entry.id) RETURNING \(Rows.entry)
            """)!)
    }

    /// The learner's open entry for the course, locked (call with the course's seats locked).
    static func openEntry(userId: UUID, courseId: UUID, in transaction: Transaction) async throws -> WaitlistEntry? {
        try await transaction.queryFirst("""
            SELECT \(Rows.entry) FROM waitlist_entries w
            WHERE w.user_id = \(userId) AND w.course_id = \(courseId) AND w.status IN ('waiting', 'offered')
            FOR UPDATE OF w
            """).map(Rows.entry)
    }

    static func entry(_ id: UUID, in transaction: Transaction) async throws -> WaitlistEntry {
        try Rows.entry(try await transaction.queryFirst("SELECT \(Rows.entry) FROM waitlist_entries w WHERE w.id = \(id)")!)
    }

    static func noOffer(_ entry: WaitlistEntry) -> Problem {
        Problem(.conflict, code: "no_offer",
                detail: "no seat is offered to you yet; you are number \(entry.position ?? 0) in line",
                extensions: ["position": .number(Double(entry.position ?? 0))])
    }
}
