import Foundation

/// The seats of one course at one moment: the course-wide limit and each cohort's, with how
/// many seats each holds. A seat is free for a cohort only when both its own limit and the
/// course's have room; `nil` limits are unlimited.
struct SeatPlan: Sendable, Equatable {
    struct Pool: Sendable, Equatable {
        var capacity: Int?
        var held: Int

        var hasRoom: Bool { capacity.map { held < $0 } ?? true }
    }

    var course: Pool
    var cohorts: [UUID: Pool]

    /// Whether one more learner fits in the cohort (or the course, for none).
    func hasSeat(cohort: UUID?) -> Bool {
        course.hasRoom && cohortHasRoom(cohort)
    }

    /// Whether the cohort's own limit has room (ignoring the course's): what moving an
    /// enrollment between cohorts of the same course needs.
    func cohortHasRoom(_ cohort: UUID?) -> Bool {
        guard let cohort, let pool = cohorts[cohort] else { return true }
        return pool.hasRoom
    }

    /// Counts one more seat held.
    mutating func take(cohort: UUID?) {
        course.held += 1
        if let cohort { cohorts[cohort, default: Pool(capacity: nil, held: 0)].held += 1 }
    }

    /// The queue entries that get the free seats, first come first served: each entry in order
    /// takes a seat when its cohort (and the course) still has one; an entry waiting for a full
    /// cohort does not block those behind it who wait for another.
    mutating func offers<Entry>(to queue: [Entry], cohort: (Entry) -> UUID?) -> [Entry] {
        var chosen: [Entry] = []
        for entry in queue {
            guard course.hasRoom else { break }
            if hasSeat(cohort: cohort(entry)) {
                take(cohort: cohort(entry))
                chosen.append(entry)
            }
        }
        return chosen
    }
}
