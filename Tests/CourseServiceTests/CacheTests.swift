import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import CourseService

@Suite struct CacheTests {
    /// A published course's document and catalog pages are served from Redis after the first
    /// read, and an edit retires them at once: the next read misses and shows the change.
    /// (Other suites may read through the cache at the same time, so counts are compared as
    /// "at least"; the fresh data is the proof of invalidation.)
    @Test func hotReadsAreCachedAndInvalidatedOnChange() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let id = try await courses.publishedCourse(by: ada, ["title": "Cached Course"])

            let hitsBefore = try await courses.cacheLookups("detail", "hit")
            let missesBefore = try await courses.cacheLookups("detail", "miss")
            #expect(try await courses.send(.get, "/courses/\(id)")["title"] == "Cached Course")
            #expect(try await courses.cacheLookups("detail", "miss") >= missesBefore + 1)
            #expect(try await courses.send(.get, "/courses/\(id)")["title"] == "Cached Course")
            #expect(try await courses.cacheLookups("detail", "hit") >= hitsBefore + 1)
            let key = try await cachedKeys(courses, "courses:detail:\(id):*")
            #expect(key.contains { !$0.hasSuffix(":generation") }, "the document is in Redis")

            let pageHits = try await courses.cacheLookups("catalog", "hit")
            #expect(try await courses.send(.get, "/courses?category=programming").items.first?["title"] as? String == "Cached Course")
            #expect(try await courses.send(.get, "/courses?category=programming").items.first?["title"] as? String == "Cached Course")
            #expect(try await courses.cacheLookups("catalog", "hit") >= pageHits + 1)

            let edited = try await courses.send(.put, "/courses/\(id)", json: CourseHarness.courseBody(["title": "Renamed Course"]), as: ada)
            #expect(edited.status == .ok)
            let missesAfterEdit = try await courses.cacheLookups("detail", "miss")
            #expect(try await courses.send(.get, "/courses/\(id)")["title"] == "Renamed Course")
            #expect(try await courses.cacheLookups("detail", "miss") >= missesAfterEdit + 1)
            #expect(try await courses.send(.get, "/courses?category=programming").items.first?["title"] as? String == "Renamed Course")

            // A review changes the rating both show.
            let learner = try await courses.learner()
            try await courses.enrollmentEvent("enrollment.activated", learner: learner.id, course: id)
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 4], as: learner).status == .created)
            #expect((try await courses.send(.get, "/courses/\(id)").json["rating"] as? [String: Any])?["count"] as? Int == 1)
            #expect((try await courses.send(.get, "/courses?category=programming").items.first?["rating"] as? [String: Any])?["count"] as? Int == 1)

            // Archiving takes it out of the public view straight away.
            #expect(try await courses.send(.post, "/courses/\(id)/archive", as: ada).status == .ok)
            #expect(try await courses.send(.get, "/courses/\(id)").status == .notFound)
            #expect(try await courses.send(.get, "/courses?category=programming").items.isEmpty)
        }
    }

    /// Drafts and what administrators and services read are never cached.
    @Test func draftsAndPrivilegedReadsBypassTheCache() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let draft = try await courses.course(by: ada)
            #expect(try await courses.send(.get, "/courses/\(draft)", as: ada).status == .ok)
            #expect(try await courses.send(.get, "/courses/\(draft)", as: ada).status == .ok)
            #expect(try await cachedKeys(courses, "courses:detail:\(draft):*").filter { !$0.hasSuffix(":generation") }.isEmpty)
            let published = try await courses.publishedCourse(by: ada)
            #expect(try await courses.send(.get, "/courses/\(published)", as: courses.service).status == .ok)
            #expect(try await cachedKeys(courses, "courses:detail:\(published):*").filter { !$0.hasSuffix(":generation") }.isEmpty)
        }
    }

    /// The keys of this run's Redis key space that match a pattern.
    private func cachedKeys(_ courses: CourseHarness, _ pattern: String) async throws -> [String] {
        let redis = RedisClient(settings: RedisSettings(url: TestEnvironment.redisURL, keyPrefix: courses.bus.keyPrefix)!, logger: TestLogger.make("cache"))
        let keys = try await redis.send("KEYS", redis.key(pattern)).array?.compactMap(\.string) ?? []
        await redis.close()
        return keys
    }
}
