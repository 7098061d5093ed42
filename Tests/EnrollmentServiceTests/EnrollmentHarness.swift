import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import Synchronization
import TestSupport

@testable import EnrollmentService

/// enrollment-service on a real socket with a fresh schema and its own Redis key space, with
/// course-service played by a local server that answers `GET /courses/{id}` from the courses a
/// test publishes (and insists on a bearer token, as the real one does for drafts).
struct EnrollmentHarness: Sendable {
    let client: any TestClientProtocol
    let bus: EventBusProbe
    let key: TestSigningKey
    let database: Database
    let courses: CourseBoard
    let admin: Caller
    /// payment-service's token.
    let service: Caller

    struct Caller: Sendable {
        let id: UUID
        let token: String
    }

    static func run(settings extra: [String: String] = [:], _ test: @escaping @Sendable (EnrollmentHarness) async throws -> Void) async throws {
        let courses = CourseBoard()
        let router = Router()
        router.get("/courses/:id") { request, context -> Response in
            guard request.headers[.authorization]?.hasPrefix("Bearer ") == true else {
                return Response(status: .unauthorized)
            }
            guard let id = context.parameters.get("id", as: UUID.self), let course = courses.json(id) else {
                return Response(status: .notFound, headers: [.contentType: "application/problem+json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"status":404,"code":"not_found","detail":"no such course"}"#)))
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: course)))
        }
        // Stands in for user-service too, naming any learner it is asked about, for certificates
        // of learners whose registration the service has not heard of.
        router.get("/users/:id") { _, context -> Response in
            let id = try context.parameters.require("id", as: UUID.self)
            let profile = #"{"id":"\#(id.lowercasedText)","name":"\#(Self.standInName(id))"}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: profile)))
        }
        let courseService = try await LocalServer.start(router: router)
        let settings = ["COURSE_SERVICE_URL": courseService.url, "USER_SERVICE_URL": courseService.url,
                        "SERVICE_CLIENT_SECRET": "enrollment-test-secret", "ENROLLMENT_SWEEP_SECONDS": "1",
                        "CERTIFICATE_SIGNING_KEY": P256.Signing.PrivateKey().rawRepresentation.base64URLEncodedString(),
                        "CERTIFICATE_ISSUER_URL": "https://learn.azora.test"].merging(extra) { $1 }
        do {
            try await LiveService.run("enrollment", settings: settings, build: buildApplication) { live in
                let adminId = UUID()
                let admin = Caller(id: adminId, token: try await live.token(subject: adminId.lowercasedText, roles: ["student", "admin"]))
                let service = Caller(id: UUID(), token: try await live.token(subject: "service:payment-service", roles: ["service"]))
                try await test(EnrollmentHarness(client: live.client, bus: live.bus, key: live.key, database: live.database,
                                                 courses: courses, admin: admin, service: service))
            }
            await courseService.stop()
        } catch {
            await courseService.stop()
            throw error
        }
    }

    /// The name the user-service stand-in gives a learner.
    static func standInName(_ id: UUID) -> String {
        "Learner \(id.uuidString.prefix(8).lowercased())"
    }

    func learner() async throws -> Caller {
        let id = UUID()
        return Caller(id: id, token: try await key.token(subject: id.lowercasedText, roles: ["student"]))
    }

    func instructor() async throws -> Caller {
        let id = UUID()
        return Caller(id: id, token: try await key.token(subject: id.lowercasedText, roles: ["student", "instructor"]))
    }

    func send(_ method: HTTPRequest.Method, _ path: String, json body: Any? = nil, as caller: Caller? = nil) async throws -> TestAnswer {
        try await client.send(method, path, json: body, token: caller?.token)
    }

    /// Publishes a course on the stand-in course-service: `lessons` required lessons (plus
    /// `optionalLessons`) in two modules, listed out of order so that course order must be
    /// worked out from positions.
    func course(capacity: Int? = nil, price: Int64 = 0, status: String = "published", lessons: Int = 3, optionalLessons: Int = 0,
                cohorts: [Int?] = [], prerequisites: [UUID] = []) async throws -> TestCourse {
        let course = TestCourse(id: UUID(), instructor: try await instructor(),
                                lessons: (0..<(lessons + optionalLessons)).map { _ in UUID() }, requiredCount: lessons,
                                cohorts: cohorts.map { _ in UUID() })
        courses.put(course.id, course.json(capacity: capacity, price: price, status: status, cohortCapacities: cohorts,
                                           prerequisites: prerequisites))
        return course
    }

    /// Enrolls the learner, expecting 201.
    @discardableResult
    func enroll(_ learner: Caller, in course: TestCourse, cohort: UUID? = nil) async throws -> TestAnswer {
        var body: [String: Any] = ["courseId": course.id.uuidString]
        if let cohort { body["cohortId"] = cohort.uuidString }
        let answer = try await send(.post, "/enrollments", json: body, as: learner)
        guard answer.status == .created else { throw HarnessError("enrolling answered \(answer.status): \(answer.text)") }
        return answer
    }

    /// Marks lessons completed for the enrollment.
    func complete(_ lessons: [UUID], of enrollment: String, as learner: Caller) async throws {
        for lesson in lessons {
            let answer = try await send(.put, "/enrollments/\(enrollment)/lessons/\(lesson)", json: ["status": "completed", "secondsSpent": 60],
                                        as: learner)
            guard answer.status == .ok else { throw HarnessError("completing lesson answered \(answer.status): \(answer.text)") }
        }
    }

    /// Many requests at once, each from its own caller on a connection of its own; answers in
    /// the order of the requests.
    func race(_ requests: [(HTTPRequest.Method, String, [String: Any]?, Caller)]) async throws -> [TestAnswer] {
        try await client.sendConcurrently(requests.map { ($0.0, $0.1, $0.2, $0.3.token) })
    }

    /// One number from a query run behind the service's back.
    func count(_ sql: SQL) async throws -> Int {
        try await database.queryFirst(sql)!.decode(at: 0, as: Int.self)
    }
}

/// The courses the stand-in course-service knows, as the JSON it answers.
final class CourseBoard: Sendable {
    private let courses = Mutex<[UUID: Data]>([:])

    func put(_ id: UUID, _ json: [String: Any]) {
        let data = try! JSONSerialization.data(withJSONObject: json)
        courses.withLock { $0[id] = data }
    }

    func json(_ id: UUID) -> Data? {
        courses.withLock { $0[id] }
    }

    /// Changes the course's JSON in place (its status, capacity, …).
    func update(_ id: UUID, _ change: (inout [String: Any]) -> Void) {
        var json = try! JSONSerialization.jsonObject(with: json(id)!) as! [String: Any]
        change(&json)
        put(id, json)
    }
}

/// A course published on the stand-in course-service.
struct TestCourse: Sendable {
    let id: UUID
    let instructor: EnrollmentHarness.Caller
    /// Every lesson in course order; the first `requiredCount` are required.
    let lessons: [UUID]
    let requiredCount: Int
    let cohorts: [UUID]

    var required: [UUID] { Array(lessons.prefix(requiredCount)) }
    var path: String { "/courses/\(id.lowercasedText)" }

    /// The course detail as course-service answers it. Lessons are split over two modules; the
    /// second module comes first in the array, and lessons are listed in reverse.
    func json(capacity: Int?, price: Int64, status: String, cohortCapacities: [Int?], prerequisites: [UUID]) -> [String: Any] {
        let half = (lessons.count + 1) / 2
        func module(_ position: Int, _ range: Range<Int>) -> [String: Any] {
            ["id": UUID().uuidString, "title": "Module \(position)", "position": position,
             "lessons": range.reversed().map { index -> [String: Any] in
                 ["id": lessons[index].uuidString, "title": "Lesson \(index + 1)", "kind": "text", "durationMinutes": 10,
                  "required": index < requiredCount, "position": index - range.lowerBound + 1]
             }]
        }
        let now = Timestamp.format(Date())
        return [
            "id": id.uuidString, "title": "Course \(id.uuidString.prefix(8))", "subtitle": "", "description": "", "category": "programming",
            "level": "beginner", "language": "en", "tags": [], "price": ["amount": price, "currency": "USD"],
            "instructorId": instructor.id.uuidString, "status": status, "capacity": capacity.map { $0 as Any } ?? NSNull(),
            "prerequisites": prerequisites.map(\.uuidString),
            "cohorts": zip(cohorts, cohortCapacities).enumerated().map { index, cohort -> [String: Any] in
                ["id": cohort.0.uuidString, "name": "Cohort \(index + 1)", "startsAt": now, "endsAt": NSNull(),
                 "capacity": cohort.1.map { $0 as Any } ?? NSNull()]
            },
            "modules": [module(2, half..<lessons.count), module(1, 0..<half)],
            "lessonCount": lessons.count, "totalDurationMinutes": lessons.count * 10, "rating": ["average": NSNull(), "count": 0],
            "createdAt": now, "updatedAt": now, "publishedAt": now,
        ]
    }
}

extension TestAnswer {
    /// The number of a JSON member, as an Int.
    func number(_ key: String) -> Int? { (json[key] as? NSNumber)?.intValue }
}
