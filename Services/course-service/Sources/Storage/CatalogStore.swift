import Foundation
import Shared

/// The catalog: courses filtered, searched, sorted and paged.
///
/// Search (`q`) matches the full-text document (title weighted A, subtitle and tags B,
/// description C; `websearch_to_tsquery`, so quotes, `or` and `-word` work) or, to forgive
/// typos, a title with a word within a typo or two of a query word (`within_typos`, tried only
/// where the title is trigram-similar to the word). The rank is the cover-density rank plus a
/// share for the query words found in the title despite typos, so exact title matches come
/// first, then near misses in titles and exact matches elsewhere.
struct CatalogStore: Sendable {
    let database: Database

    /// How trigram-similar (0 to 1) a query word must be to part of a title before its words
    /// are compared letter by letter; a cheap filter that every real typo passes.
    static let typoCandidateSimilarity = 0.2
    /// The most query words compared for typos.
    static let maxTypoWords = 8

    /// One listed course and its sort keys.
    struct Listed: Sendable {
        let summary: CourseSummary
        let learners: Int
    }

    /// A page of the catalog and the cursor of the next one.
    func page(_ query: CatalogQuery) async throws -> (items: [CourseSummary], next: CatalogCursor?) {
        let filter = query.filter
        var filters: [SQL] = ["c.status = \(filter.status.rawValue)"]
        if let category = filter.category { filters.append("c.category = \(category)") }
        if let level = filter.level { filters.append("c.level = \(level.rawValue)") }
        if let language = filter.language { filters.append("c.language = \(language)") }
        if let currency = filter.currency { filters.append("c.price_currency = \(currency)") }
        if let minPrice = filter.minPrice { filters.append("c.price_amount >= \(minPrice)") }
        if let maxPrice = filter.maxPrice { filters.append("c.price_amount <= \(maxPrice)") }
        if let rating = filter.minRatingHundredths { filters.append("c.rating_count > 0 AND c.rating_average >= \(rating)::numeric / 100") }
        if let instructorId = filter.instructorId { filters.append("c.instructor_id = \(instructorId)") }
        if let tag = filter.tag { filters.append("c.tags @> ARRAY[\(tag)::text]") }

        var rank: SQL = "NULL::float8"
        var fuzzy: SQL = "(SELECT 0 AS hits) fuzzy"
        if let q = filter.q {
            let words = Self.typoWords(q)
            let tsQuery: SQL = "websearch_to_tsquery('english', \(q))"
            fuzzy = """
                LATERAL (
                    SELECT count(*) AS hits FROM unnest(\(words)::text[]) AS q(word)
                    WHERE public.word_similarity(q.word, lower(c.title)) >= \(Self.typoCandidateSimilarity)
                      AND EXISTS (SELECT 1 FROM regexp_split_to_table(lower(c.title), '[^[:alnum:]]+') AS t(word)
                                  WHERE within_typos(q.word, t.word))
                ) fuzzy
                """
            filters.append("(c.search @@ \(tsQuery) OR fuzzy.hits > 0)")
            rank = """
                (ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', c.search, \(tsQuery), 32) + 0.3 * fuzzy.hits / \(max(words.count, 1)))::float8
                """
        }

        let order: SQL
        var offset = 0
        switch query.sort {
        case .newest:
            order = "c.listed_at DESC, c.id DESC"
            if let after = query.after, let at = after.listedAt, let id = after.id {
                filters.append("(c.listed_at, c.id) < (\(at)::timestamptz, \(id)::uuid)")
            }
        case .rating:
            order = "c.rating_average DESC, c.rating_count DESC, c.id DESC"
            if let after = query.after, let rating = after.ratingHundredths, let count = after.ratingCount, let id = after.id {
                filters.append("(c.rating_average, c.rating_count, c.id) < (\(rating)::numeric / 100, \(count)::integer, \(id)::uuid)")
            }
        case .priceAsc:
            order = "c.price_amount ASC, c.id ASC"
            if let after = query.after, let amount = after.amount, let id = after.id {
                filters.append("(c.price_amount, c.id) > (\(amount)::bigint, \(id)::uuid)")
            }
        case .priceDesc:
            order = "c.price_amount DESC, c.id DESC"
            if let after = query.after, let amount = after.amount, let id = after.id {
                filters.append("(c.price_amount, c.id) < (\(amount)::bigint, \(id)::uuid)")
            }
        case .popular:
            order = "c.learner_count DESC, c.id DESC"
            if let after = query.after, let learners = after.learners, let id = after.id {
                filters.append("(c.learner_count, c.id) < (\(learners)::integer, \(id)::uuid)")
            }
        case .relevance:
            order = "rank DESC, c.id DESC"
            offset = query.after?.offset ?? 0
        }

        let rows = try await database.query("""
            SELECT \(Rows.course), c.learner_count, outline.lessons, outline.minutes, \(rank) AS rank
            FROM courses c
            CROSS JOIN LATERAL (
                SELECT count(*) AS lessons, coalesce(sum(duration_minutes), 0) AS minutes FROM lessons WHERE course_id = c.id
            ) outline
            CROSS JOIN \(fuzzy)
            WHERE \(SQL(joining: filters, separator: " AND "))
            ORDER BY \(order)
            OFFSET \(offset) LIMIT \(query.limit + 1)
            """)
        let listed = try rows.map { row in
            Listed(summary: CourseSummary(course: try Rows.course(row), lessonCount: try row.decode("lessons"),
                                          totalDurationMinutes: try row.decode("minutes"),
                                          relevance: try row.decode("rank", as: Double?.self).map { ($0 * 10_000).rounded() / 10_000 }),
                   learners: try row.decode("learner_count"))
        }
        guard listed.count > query.limit, let last = listed.prefix(query.limit).last else {
            return (listed.map(\.summary), nil)
        }
        return (listed.prefix(query.limit).map(\.summary), Self.cursor(after: last, sort: query.sort, offset: offset + query.limit))
    }

    /// The query's words worth comparing for typos: lower-case, letters and digits, three or more long.
    static func typoWords(_ q: String) -> [String] {
        var words: [String] = []
        for word in q.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) where word.count >= 3 {
            if !words.contains(String(word)) { words.append(String(word)) }
        }
        return Array(words.prefix(maxTypoWords))
    }

    private static func cursor(after last: Listed, sort: CatalogSort, offset: Int) -> CatalogCursor {
        let course = last.summary.course
        var cursor = CatalogCursor(sort: sort, id: course.id)
        switch sort {
        case .newest: cursor.listedAt = course.publishedAt ?? course.createdAt
        case .rating:
            cursor.ratingHundredths = Int(((course.rating.average ?? 0) * 100).rounded())
            cursor.ratingCount = course.rating.count
        case .priceAsc, .priceDesc: cursor.amount = course.price.amount
        case .popular: cursor.learners = last.learners
        case .relevance:
            cursor.id = nil
            cursor.offset = offset
        }
        return cursor
    }
}
