import Foundation
import Shared

/// `POST /courses/{id}/modules` and `PUT /courses/{id}/modules/{moduleId}`.
struct ModuleOrder: Decodable, Sendable {
    let title: String

    func problems() -> [FieldError] {
        Validation.hasLength(title, 1...200) ? [] : [FieldError(field: "title", message: "must be 1 to 200 characters")]
    }
}

/// `POST /courses/{id}/modules/{moduleId}/lessons` and `PUT /courses/{id}/lessons/{lessonId}`:
/// a lesson's every field (a PUT replaces them all), with the content member of its kind.
struct LessonOrder: Decodable, Sendable {
    let title: String
    let kind: String
    let durationMinutes: Int64
    let required: Bool?
    let videoUrl: String?
    let body: String?
    let quizId: UUID?
    let instructions: String?
    /// Where to insert a new lesson (1 = first); at the end when absent. Ignored by a PUT.
    let position: Int64?

    static let maxDuration: Int64 = 10_000

    private enum CodingKeys: String, CodingKey {
        case title, kind, durationMinutes, required, videoUrl, body, quizId, instructions, position
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        kind = try container.decode(String.self, forKey: .kind)
        durationMinutes = try container.decodeWholeNumber(forKey: .durationMinutes)
        required = try container.decodeIfPresent(Bool.self, forKey: .required)
        videoUrl = try container.decodeIfPresent(String.self, forKey: .videoUrl)
        body = try container.decodeIfPresent(String.self, forKey: .body)
        quizId = try container.decodeIfPresent(UUID.self, forKey: .quizId)
        instructions = try container.decodeIfPresent(String.self, forKey: .instructions)
        position = try container.decodeWholeNumberIfPresent(forKey: .position)
    }

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        if !Validation.hasLength(title, 1...200) { refuse("title", "must be 1 to 200 characters") }
        if !(0...Self.maxDuration).contains(durationMinutes) { refuse("durationMinutes", "must be a whole number of minutes from 0 to \(Self.maxDuration)") }
        if let position, position < 1 { refuse("position", "must be 1 or more") }
        guard let kind = LessonKind(rawValue: kind) else {
            refuse("kind", "must be one of \(LessonKind.allCases.map(\.rawValue).joined(separator: ", "))")
            return errors
        }
        let given: [(LessonKind, Bool)] = [(.video, videoUrl != nil), (.text, body != nil), (.quiz, quizId != nil),
                                           (.assignment, instructions != nil)]
        for (other, present) in given where other != kind && present {
            refuse(other.contentField, "applies to \(other.rawValue) lessons only")
        }
        switch kind {
        case .video:
            if let videoUrl {
                if !Validation.isWebURL(videoUrl) { refuse("videoUrl", "must be an http or https URL of at most 2000 characters") }
            } else {
                refuse("videoUrl", "is required for a video lesson")
            }
        case .text:
            if let body {
                if !Validation.hasLength(body, 1...100_000) { refuse("body", "must be 1 to 100000 characters") }
            } else {
                refuse("body", "is required for a text lesson")
            }
        case .quiz:
            if quizId == nil { refuse("quizId", "is required for a quiz lesson: the id of its assessment in assessment-service") }
        case .assignment:
            if let instructions {
                if !Validation.hasLength(instructions, 1...20_000) { refuse("instructions", "must be 1 to 20000 characters") }
            } else {
                refuse("instructions", "is required for an assignment")
            }
        }
        return errors
    }

    /// The lesson's fields as stored, once `problems()` found nothing wrong.
    var fields: LessonFields {
        LessonFields(title: title.trimmingCharacters(in: .whitespacesAndNewlines), kind: LessonKind(rawValue: kind) ?? .text,
                     durationMinutes: Int(durationMinutes), required: required ?? true,
                     content: LessonContent(videoUrl: videoUrl, body: body, quizId: quizId, instructions: instructions))
    }
}

/// A lesson's editable fields, checked.
struct LessonFields: Sendable, Equatable {
    let title: String
    let kind: LessonKind
    let durationMinutes: Int
    let required: Bool
    let content: LessonContent
}

/// `PUT /courses/{id}/modules/order`: every module of the course, in the new order.
struct ModuleSequence: Decodable, Sendable {
    let moduleIds: [UUID]
}

/// `PUT /courses/{id}/modules/{moduleId}/lessons/order`: every lesson of the module, in the new order.
struct LessonSequence: Decodable, Sendable {
    let lessonIds: [UUID]
}

/// `POST /courses/{id}/lessons/{lessonId}/move`: to another module (or within its own), at a
/// position (1 = first; at the end when absent).
struct LessonMove: Decodable, Sendable {
    let moduleId: UUID
    let position: Int64?

    private enum CodingKeys: String, CodingKey { case moduleId, position }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        moduleId = try container.decode(UUID.self, forKey: .moduleId)
        position = try container.decodeWholeNumberIfPresent(forKey: .position)
    }

    func problems() -> [FieldError] {
        guard let position, position < 1 else { return [] }
        return [FieldError(field: "position", message: "must be 1 or more")]
    }
}

/// Orderings: a new order must name every current item exactly once.
enum Ordering {
    /// The problems of `proposed` as a new order of `current`, naming `field`.
    static func problems(_ proposed: [UUID], current: [UUID], field: String) -> [FieldError] {
        var errors: [FieldError] = []
        let known = Set(current)
        var seen: Set<UUID> = []
        for (index, id) in proposed.enumerated() {
            if !known.contains(id) {
                errors.append(FieldError(field: "\(field)[\(index)]", message: "is not one of them"))
            } else if !seen.insert(id).inserted {
                errors.append(FieldError(field: "\(field)[\(index)]", message: "is listed twice"))
            }
        }
        if errors.isEmpty && seen.count != known.count {
            errors.append(FieldError(field: field, message: "must list all \(known.count) of them; \(known.count - seen.count) missing"))
        }
        return errors
    }

    /// `items` with `moving` taken out and put back at `position` (1-based, clamped; the end
    /// when `nil`).
    static func inserting<T: Equatable>(_ moving: T, into items: [T], at position: Int?) -> [T] {
        var result = items.filter { $0 != moving }
        let index = min(max((position ?? Int.max) - 1, 0), result.count)
        result.insert(moving, at: index)
        return result
    }
}
