import Foundation
import Shared

/// course-service's own settings.
struct CourseSettings: Sendable {
    /// How long a cached course detail or catalog page is kept (`COURSE_CACHE_TTL_SECONDS`,
    /// default 300). Changes retire cached copies at once; this bounds how long an entry
    /// lives when an invalidation could not reach Redis.
    let cacheTTLSeconds: Int

    init(settings: Settings) throws {
        cacheTTLSeconds = try settings.int("COURSE_CACHE_TTL_SECONDS", default: 300, in: 1...86_400)
    }
}
