import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import CourseService

@Suite struct PrerequisiteTests {
    /// Prerequisites are set and listed in order; a cycle is refused naming it; unknown courses
    /// are refused naming the entry.
    @Test func prerequisitesRefuseCyclesAndUnknownCourses() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let a = try await courses.course(by: ada, ["title": "A"])
            let b = try await courses.course(by: ada, ["title": "B"])
            let c = try await courses.course(by: ada, ["title": "C"])
            let set = try await courses.send(.put, "/courses/\(b)/prerequisites", json: ["courseIds": [a]], as: ada)
            #expect(set.status == .ok && (set.json["courseIds"] as? [String])?.map { $0.lowercased() } == [a])
            #expect(try await courses.send(.put, "/courses/\(c)/prerequisites", json: ["courseIds": [b, a]], as: ada).status == .ok)
            #expect((try await courses.send(.get, "/courses/\(c)", as: ada).json["prerequisites"] as? [String])?.map { $0.lowercased() } == [b, a])

            let cycle = try await courses.send(.put, "/courses/\(a)/prerequisites", json: ["courseIds": [c]], as: ada)
            #expect(cycle.status == .conflict && cycle.code == "prerequisite_cycle")
            #expect((cycle.json["cycle"] as? [String]) == [a, c, a], "the shortest cycle: a would need c, which needs a")
            #expect((cycle.json["detail"] as? String ?? "").contains("\(a) → \(c) → \(a)"))
            let longer = try await courses.send(.put, "/courses/\(a)/prerequisites", json: ["courseIds": [b]], as: ada)
            #expect((longer.json["cycle"] as? [String]) == [a, b, a])
            let d = try await courses.course(by: ada, ["title": "D"])
            #expect(try await courses.send(.put, "/courses/\(d)/prerequisites", json: ["courseIds": [c]], as: ada).status == .ok)
            #expect((try await courses.send(.put, "/courses/\(a)/prerequisites", json: ["courseIds": [d]], as: ada).json["cycle"] as? [String])
                    == [a, d, c, a])
            #expect((try await courses.send(.get, "/courses/\(a)", as: ada).json["prerequisites"] as? [String]) == [], "nothing changed")

            let unknown = UUID()
            let refused = try await courses.send(.put, "/courses/\(a)/prerequisites", json: ["courseIds": [b, unknown.uuidString]], as: ada)
            #expect(refused.status == .unprocessableContent && refused.fields == ["courseIds[1]"])
            #expect(try await courses.send(.put, "/courses/\(a)/prerequisites", json: ["courseIds": [a]], as: ada).fields == ["courseIds[0]"])
            let bob = try await courses.instructor()
            let bobsDraft = try await courses.course(by: bob)
            #expect(try await courses.send(.put, "/courses/\(a)/prerequisites", json: ["courseIds": [bobsDraft]], as: ada).fields == ["courseIds[0]"],
                    "another instructor's draft is as unknown as a course that does not exist")
            #expect(try await courses.send(.put, "/courses/\(c)/prerequisites", json: ["courseIds": []], as: ada).json["courseIds"] as? [String] == [])
            #expect(try await courses.send(.put, "/courses/\(a)/prerequisites", json: ["courseIds": [c]], as: ada).status == .ok,
                    "with c's prerequisites cleared there is no cycle")
        }
    }

    @Test func theGraphFindsTheShortestCycle() {
        let (a, b, c, d) = (UUID(), UUID(), UUID(), UUID())
        let graph = PrerequisiteGraph(edges: [(b, a), (c, b), (d, c), (d, a)])
        #expect(graph.cycle(ifRequiring: [d], by: a) == [a, d, a])
        #expect(graph.cycle(ifRequiring: [c], by: a) == [a, c, b, a])
        #expect(graph.cycle(ifRequiring: [b], by: d) == nil)
        // Replacing a course's own requirements: d's current ones are not followed.
        #expect(graph.cycle(ifRequiring: [], by: a) == nil)
    }
}
