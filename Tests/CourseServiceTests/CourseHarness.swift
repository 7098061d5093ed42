import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport

@testable import CourseService

/// course-service on a real socket with a fresh schema and its own Redis key space, trusting
/// tokens from a test key served as auth-service's JWKS. `database` reaches the same schema
/// directly, for what a test must see behind the service's back (the outbox, the learners).
struct CourseHarness: Sendable {
    let client: any TestClientProtocol
    let bus: EventBusProbe
    let key: TestSigningKey
    let database: Database
    let admin: Caller
    /// enrollment-service's token.
    let service: Caller

    struct Caller: Sendable {
        let id: UUID
        let token: String
    }

    static func run(settings: [String: String] = [:], _ test: @escaping @Sendable (CourseHarness) async throws -> Void) async throws {
        try await LiveService.run("courses", settings: settings, build: buildApplication) { live in
            let adminId = UUID()
            let admin = Caller(id: adminId, token: try await live.token(subject: adminId.lowercasedText, roles: ["student", "admin"]))
            let service = Caller(id: UUID(), token: try await live.token(subject: "service:enrollment-service", roles: ["service"]))
            try await test(CourseHarness(client: live.client, bus: live.bus, key: live.key, database: live.database, admin: admin, service: service))
        }
    }

    func instructor() async throws -> Caller {
        let id = UUID()
        return Caller(id: id, token: try await key.token(subject: id.lowercasedText, roles: ["student", "instructor"]))
    }

    func learner() async throws -> Caller {
        let id = UUID()
        return Caller(id: id, token: try await key.token(subject: id.lowercasedText, roles: ["student"]))
    }

    /// A request as `caller`, or anonymous.
    func send(_ method: HTTPRequest.Method, _ path: String, json body: Any? = nil, as caller: Caller? = nil) async throws -> TestAnswer {
        try await client.send(method, path, json: body, token: caller?.token)
    }

    /// A course body with sensible defaults, changed by `overrides`.
    static func courseBody(_ overrides: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "title": "Swift Fundamentals", "subtitle": "From zero to apps", "description": "Learn the language step by step.",
            "category": "programming", "level": "beginner", "language": "en", "tags": ["swift", "ios"],
            "price": ["amount": 4_900, "currency": "USD"],
        ]
        body.merge(overrides) { $1 }
        return body
    }

    /// Creates a draft course as `instructor` and returns its id.
    func course(by instructor: Caller, _ overrides: [String: Any] = [:]) async throws -> String {
        let created = try await send(.post, "/courses", json: Self.courseBody(overrides), as: instructor)
        guard created.status == .created, let id = created["id"] else { throw HarnessError("creating a course answered \(created.status): \(created.text)") }
        return id.lowercased()
    }

    /// Adds a module and returns its id.
    func module(_ course: String, title: String = "Basics", by caller: Caller) async throws -> String {
        let answer = try await send(.post, "/courses/\(course)/modules", json: ["title": title], as: caller)
        guard answer.status == .created, let id = answer["id"] else { throw HarnessError("adding a module answered \(answer.status): \(answer.text)") }
        return id.lowercased()
    }

    /// Adds a text lesson and returns its id.
    func lesson(_ course: String, module: String, title: String = "Lesson", minutes: Int = 10, required: Bool = true,
                by caller: Caller) async throws -> String {
        let answer = try await send(.post, "/courses/\(course)/modules/\(module)/lessons", json: [
            "title": title, "kind": "text", "durationMinutes": minutes, "required": required, "body": "Read this.",
        ], as: caller)
        guard answer.status == .created, let id = answer["id"] else { throw HarnessError("adding a lesson answered \(answer.status): \(answer.text)") }
        return id.lowercased()
    }

    /// A published course with one module and one lesson; returns its id.
    func publishedCourse(by instructor: Caller, _ overrides: [String: Any] = [:]) async throws -> String {
        let id = try await course(by: instructor, overrides)
        let module = try await module(id, by: instructor)
        _ = try await lesson(id, module: module, by: instructor)
        try await expectStatus(.ok, try await send(.post, "/courses/\(id)/submit", as: instructor))
        try await expectStatus(.ok, try await send(.post, "/courses/\(id)/publish", as: admin))
        return id
    }

    /// enrollment-service says the learner's enrolment in the course has this status (by an
    /// event of the given type); waits until course-service has taken it in.
    @discardableResult
    func enrollmentEvent(_ type: String, learner: UUID, course: String, status: String? = nil,
                         enrollment: UUID = UUID()) async throws -> EventEnvelope {
        var data: [String: JSONValue] = ["enrollmentId": .string(enrollment.uuidString), "userId": .string(learner.uuidString),
                                         "courseId": .string(course), "cohortId": .null]
        if let status { data["status"] = .string(status) }
        let event = try await bus.publish(type, source: "enrollment-service", subject: enrollment.uuidString, data: data)
        try await handled(event)
        return event
    }

    /// Waits until the consumer has recorded the event as handled.
    func handled(_ event: EventEnvelope) async throws {
        try await eventually {
            try await database.queryFirst("SELECT 1 FROM handled_events WHERE event_id = \(event.id)") != nil
        }
    }

    /// The count of one series of `course_cache_lookups_total`, as `/metrics` shows it.
    func cacheLookups(_ cache: String, _ result: String) async throws -> Int {
        let text = try await send(.get, "/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix("course_cache_lookups_total{") {
            if line.contains("cache=\"\(cache)\""), line.contains("result=\"\(result)\""), let value = line.split(separator: " ").last {
                return Int(Double(value) ?? 0)
            }
        }
        return 0
    }

    func expectStatus(_ status: HTTPResponse.Status, _ answer: TestAnswer, _ what: String = "") async throws {
        guard answer.status == status else { throw HarnessError("\(what) expected \(status), got \(answer.status): \(answer.text)") }
    }
}

extension TestAnswer {
    /// The `id`s of a list's items, lower-case.
    var ids: [String] { items.compactMap { ($0["id"] as? String)?.lowercased() } }
    var modules: [[String: Any]] { json["modules"] as? [[String: Any]] ?? [] }
}
