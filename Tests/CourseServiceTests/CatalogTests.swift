import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import CourseService

@Suite struct CatalogTests {
    /// Five published courses and a draft, for the catalog's filters and orders.
    struct Shelf {
        let ada: CourseHarness.Caller
        let bob: CourseHarness.Caller
        let swift: String
        let go: String
        let cooking: String
        let swimming: String
        let python: String
        let draft: String

        init(_ courses: CourseHarness) async throws {
            ada = try await courses.instructor()
            bob = try await courses.instructor()
            swift = try await courses.publishedCourse(by: ada, ["title": "Swift Fundamentals", "tags": ["swift", "ios"]])
            go = try await courses.publishedCourse(by: ada, [
                "title": "Advanced Go", "level": "advanced", "tags": ["go"], "price": ["amount": 9_900, "currency": "USD"],
                "description": "Concurrency and services in Go.", "subtitle": "Channels and more",
            ])
            cooking = try await courses.publishedCourse(by: bob, [
                "title": "Cooking for Beginners", "category": "cooking", "language": "es", "tags": ["food"],
                "price": ["amount": 0, "currency": "USD"], "description": "Quick meals for swift cooks.", "subtitle": "",
            ])
            swimming = try await courses.publishedCourse(by: bob, [
                "title": "The Art of Swimming", "category": "sports", "level": "all_levels", "tags": ["water"],
                "price": ["amount": 2_500, "currency": "EUR"], "description": "Strokes and breathing.", "subtitle": "",
            ])
            python = try await courses.publishedCourse(by: ada, [
                "title": "Data Science with Python", "level": "intermediate", "tags": ["python", "data"],
                "price": ["amount": 7_900, "currency": "USD"], "description": "Pandas and plots.", "subtitle": "",
            ])
            draft = try await courses.course(by: ada, ["title": "Swift Draft"])
        }
    }

    @Test func theCatalogFilters() async throws {
        try await CourseHarness.run { courses in
            let shelf = try await Shelf(courses)
            func listed(_ query: String) async throws -> Set<String> {
                let answer = try await courses.send(.get, "/courses?\(query)")
                guard answer.status == .ok else { throw HarnessError("\(query): \(answer.status) \(answer.text)") }
                return Set(answer.ids)
            }
            #expect(try await listed("") == [shelf.swift, shelf.go, shelf.cooking, shelf.swimming, shelf.python], "drafts are not listed")
            #expect(try await listed("category=programming") == [shelf.swift, shelf.go, shelf.python])
            #expect(try await listed("level=beginner") == [shelf.swift, shelf.cooking])
            #expect(try await listed("language=es") == [shelf.cooking])
            #expect(try await listed("currency=USD&minPrice=5000") == [shelf.go, shelf.python])
            #expect(try await listed("currency=USD&minPrice=4900&maxPrice=7900") == [shelf.swift, shelf.python])
            #expect(try await listed("currency=EUR") == [shelf.swimming])
            #expect(try await listed("maxPrice=0") == [shelf.cooking], "free courses need no currency")
            #expect(try await listed("instructorId=\(shelf.bob.id)") == [shelf.cooking, shelf.swimming])
            #expect(try await listed("tag=swift") == [shelf.swift])
            #expect(try await listed("category=programming&level=advanced&tag=go") == [shelf.go])

            #expect(try await courses.send(.get, "/courses?minPrice=100").fields == ["currency"])
            #expect(try await courses.send(.get, "/courses?currency=USD&minPrice=500&maxPrice=100").fields == ["maxPrice"])
            #expect(try await courses.send(.get, "/courses?level=expert").fields == ["level"])
            #expect(try await courses.send(.get, "/courses?minRating=6").fields == ["minRating"])
            #expect(try await courses.send(.get, "/courses?sort=cheapest").fields == ["sort"])
            #expect(try await courses.send(.get, "/courses?sort=relevance").fields == ["sort"])
            #expect(try await courses.send(.get, "/courses?limit=0").fields == ["limit"])
            #expect(try await courses.send(.get, "/courses?cursor=garbage").fields == ["cursor"])
        }
    }

    /// Orders by price, novelty, rating and popularity; keyset pages cover the catalog once,
    /// in order, and a cursor belongs to its sort.
    @Test func theCatalogSortsAndPages() async throws {
        try await CourseHarness.run { courses in
            let shelf = try await Shelf(courses)
            func order(_ query: String) async throws -> [String] {
                try await courses.send(.get, "/courses?\(query)").ids
            }
            #expect(try await order("currency=USD&sort=price_asc") == [shelf.cooking, shelf.swift, shelf.python, shelf.go])
            #expect(try await order("currency=USD&sort=price_desc") == [shelf.go, shelf.python, shelf.swift, shelf.cooking])
            #expect(try await order("sort=newest") == [shelf.python, shelf.swimming, shelf.cooking, shelf.go, shelf.swift])
            #expect(try await order("") == [shelf.python, shelf.swimming, shelf.cooking, shelf.go, shelf.swift], "newest by default")

            // Ratings: swift 5 and 4 (4.5), go 3; popularity: python 3 learners, swift 2, go 1.
            for (course, rating) in [(shelf.swift, 5), (shelf.swift, 4), (shelf.go, 3)] {
                let learner = try await courses.learner()
                try await courses.enrollmentEvent("enrollment.activated", learner: learner.id, course: course)
                try await courses.expectStatus(.created, try await courses.send(.post, "/courses/\(course)/reviews", json: ["rating": rating], as: learner))
            }
            for _ in 0..<3 {
                try await courses.enrollmentEvent("enrollment.created", learner: UUID(), course: shelf.python, status: "active")
            }
            try await courses.enrollmentEvent("enrollment.created", learner: UUID(), course: shelf.cooking, status: "pending_payment")
            let rated = try await order("sort=rating")
            #expect(Array(rated.prefix(2)) == [shelf.swift, shelf.go] && rated.count == 5)
            #expect(try await order("minRating=4") == [shelf.swift])
            #expect(try await order("minRating=4.5") == [shelf.swift])
            #expect(try await order("minRating=4.51").isEmpty)
            let popular = try await order("sort=popular")
            #expect(Array(popular.prefix(3)) == [shelf.python, shelf.swift, shelf.go], "a payment still pending makes no learner")

            for sort in ["newest", "rating", "price_asc", "price_desc", "popular"] {
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let page = try await courses.send(.get, "/courses?sort=\(sort)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                    #expect(page.status == .ok && page.items.count <= 2)
                    seen += page.ids
                    cursor = page["nextCursor"]
                } while cursor != nil && seen.count < 10
                #expect(seen == (try await order("sort=\(sort)")), "pages of \(sort) continue where the last one ended")
            }
            let first = try await courses.send(.get, "/courses?sort=newest&limit=2")
            let cursor = try #require(first["nextCursor"])
            #expect(try await courses.send(.get, "/courses?sort=popular&limit=2&cursor=\(cursor)").fields == ["cursor"])
            _ = shelf.draft
        }
    }

    /// Full-text search ranks title matches above others, tolerates typos in titles, and pages
    /// through ranked results.
    @Test func searchRanksMatchesAndForgivesTypos() async throws {
        try await CourseHarness.run { courses in
            let shelf = try await Shelf(courses)
            func search(_ q: String, _ extra: String = "") async throws -> [String] {
                let answer = try await courses.send(.get, "/courses?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)\(extra)")
                guard answer.status == .ok else { throw HarnessError("\(q): \(answer.status) \(answer.text)") }
                return answer.ids
            }
            #expect(try await search("swift") == [shelf.swift, shelf.cooking], "the title match first, then the description match; never the draft")
            #expect(try await search("swfit").first == shelf.swift, "a swapped pair of letters is forgiven")
            #expect(try await !(search("swfit")).contains(shelf.swimming), "trigram neighbours that are not typos are not matches")
            #expect(try await search("pyhton") == [shelf.python])
            #expect(try await search("concurrency") == [shelf.go], "descriptions are searched")
            #expect(try await search("channels") == [shelf.go], "subtitles are searched")
            #expect(try await search("data") == [shelf.python], "tags and titles are searched")
            #expect(try await search("swift", "&category=cooking") == [shelf.cooking], "search combines with filters")
            #expect(try await search("swift -cooks") == [shelf.swift], "web search syntax excludes words")
            #expect(try await search("quantum chromodynamics").isEmpty)

            let ranked = try await courses.send(.get, "/courses?q=swift")
            let relevance = ranked.items.compactMap { $0["relevance"] as? Double }
            #expect(relevance.count == 2 && relevance[0] > relevance[1])
            let page = try await courses.send(.get, "/courses?q=swift&limit=1")
            let next = try await courses.send(.get, "/courses?q=swift&limit=1&cursor=\(try #require(page["nextCursor"]))")
            #expect(page.ids + next.ids == [shelf.swift, shelf.cooking] && next["nextCursor"] == nil)
            #expect(try await search("swift", "&sort=price_asc") == [shelf.cooking, shelf.swift], "a search can be sorted otherwise")
        }
    }
}
