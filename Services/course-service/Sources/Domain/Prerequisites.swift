import Foundation
import Shared

/// `PUT /courses/{id}/prerequisites`: the courses a learner must have completed first, replacing
/// the list (empty clears it).
struct PrerequisiteOrder: Decodable, Sendable {
    let courseIds: [UUID]

    static let maxCount = 20

    func problems(for course: UUID) -> [FieldError] {
        var errors: [FieldError] = []
        if courseIds.count > Self.maxCount {
            errors.append(FieldError(field: "courseIds", message: "must hold at most \(Self.maxCount) courses"))
        }
        for (index, id) in courseIds.enumerated() {
            if id == course {
                errors.append(FieldError(field: "courseIds[\(index)]", message: "a course cannot require itself"))
            } else if courseIds[..<index].contains(id) {
                errors.append(FieldError(field: "courseIds[\(index)]", message: "is listed twice"))
            }
        }
        return errors
    }
}

/// The "requires" relation between courses, which must stay free of cycles: a course that
/// (through others) requires itself could never be started.
struct PrerequisiteGraph: Sendable {
    /// For each course, the courses it requires.
    private(set) var requirements: [UUID: [UUID]]

    init(edges: [(course: UUID, requires: UUID)]) {
        var requirements: [UUID: [UUID]] = [:]
        for edge in edges { requirements[edge.course, default: []].append(edge.requires) }
        self.requirements = requirements
    }

    /// The cycle that giving `course` the prerequisites `required` would make, as the path
    /// `course → required → … → course`, or `nil` when there is none. The shortest such path
    /// is returned, so the refusal names as few courses as possible.
    func cycle(ifRequiring required: [UUID], by course: UUID) -> [UUID]? {
        // Breadth-first from each new prerequisite along existing requirements, looking for `course`.
        // The course's own current requirements are being replaced, so they are not followed.
        var previous: [UUID: UUID] = [:]
        var queue: [UUID] = []
        for id in required where previous[id] == nil {
            previous[id] = course
            queue.append(id)
        }
        var index = 0
        while index < queue.count {
            let current = queue[index]
            index += 1
            if current == course { continue }
            for next in requirements[current] ?? [] {
                if next == course {
                    var path = [course, current]
                    var step = current
                    while let before = previous[step], before != course {
                        path.insert(before, at: 1)
                        step = before
                    }
                    return path + [course]
                }
                if previous[next] == nil {
                    previous[next] = current
                    queue.append(next)
                }
            }
        }
        return nil
    }
}
