import Foundation
import Shared

/// What a lesson is: a video to watch, text to read, a quiz (an assessment in
/// assessment-service) or an assignment to hand in.
enum LessonKind: String, Codable, Sendable, CaseIterable {
    case video, text, quiz, assignment

    /// The field that holds this kind's content.
    var contentField: String {
        switch self {
        case .video: "videoUrl"
        case .text: "body"
        case .quiz: "quizId"
        case .assignment: "instructions"
        }
    }
}

/// A lesson's content; exactly the member of its kind is set.
struct LessonContent: Sendable, Equatable {
    var videoUrl: String?
    var body: String?
    var quizId: UUID?
    var instructions: String?
}

/// A lesson as the syllabus shows it: `{id, title, kind, durationMinutes, required, position}`.
/// Its content is served apart (`GET /courses/{id}/lessons/{lessonId}`), to those who may
/// study it.
struct Lesson: Sendable, Equatable {
    let id: UUID
    let moduleId: UUID
    let title: String
    let kind: LessonKind
    let durationMinutes: Int
    /// Whether completing the course needs this lesson.
    let required: Bool
    let position: Int
    let content: LessonContent
}

extension Lesson: Encodable {
    private enum CodingKeys: String, CodingKey { case id, title, kind, durationMinutes, required, position }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(kind, forKey: .kind)
        try container.encode(durationMinutes, forKey: .durationMinutes)
        try container.encode(required, forKey: .required)
        try container.encode(position, forKey: .position)
    }
}

/// A lesson with its content and where it sits: the syllabus fields plus `courseId`,
/// `moduleId` and the content member of its kind.
struct LessonDocument: Encodable, Sendable {
    let courseId: UUID
    let lesson: Lesson

    private enum CodingKeys: String, CodingKey { case courseId, moduleId, videoUrl, body, quizId, instructions }

    func encode(to encoder: any Encoder) throws {
        try lesson.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(courseId, forKey: .courseId)
        try container.encode(lesson.moduleId, forKey: .moduleId)
        try container.encodeIfPresent(lesson.content.videoUrl, forKey: .videoUrl)
        try container.encodeIfPresent(lesson.content.body, forKey: .body)
        try container.encodeIfPresent(lesson.content.quizId, forKey: .quizId)
        try container.encodeIfPresent(lesson.content.instructions, forKey: .instructions)
    }
}

/// A module: a titled, ordered group of lessons.
struct CourseModule: Encodable, Sendable, Equatable {
    let id: UUID
    let title: String
    let position: Int
    let lessons: [Lesson]
}
