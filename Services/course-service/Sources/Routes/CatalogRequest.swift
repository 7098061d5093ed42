import Foundation
import Hummingbird
import Shared

/// Reading `GET /courses`'s query into a checked catalog request.
extension CatalogQuery {
    /// - Throws: 422 naming the parameter that is not acceptable; 401/403 when the caller asks
    ///   for courses in a status they may not list.
    init(_ request: Request, viewer: Viewer) throws {
        var filter = CatalogFilter()
        func text(_ name: String, max: Int) throws -> String? {
            guard let value = request.query(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            guard value.count <= max else { throw Problem.invalid(name, "must be at most \(max) characters") }
            return value
        }
        func amount(_ name: String) throws -> Int64? {
            guard let value = request.query(name) else { return nil }
            guard let amount = Int64(value), (0...Validation.maxAmount).contains(amount) else {
                throw Problem.invalid(name, "must be a whole number of minor units from 0 to \(Validation.maxAmount)")
            }
            return amount
        }
        filter.q = try text("q", max: 200)
        filter.category = try text("category", max: 64)
        if let category = filter.category, !Validation.isSlug(category) { throw Problem.invalid("category", Validation.slugHelp) }
        filter.level = try request.queryEnum("level", as: CourseLevel.self)
        filter.language = try text("language", max: 12)
        if let language = filter.language, !Validation.isLanguage(language) { throw Problem.invalid("language", Validation.languageHelp) }
        filter.currency = try text("currency", max: 3)
        if let currency = filter.currency, Currency(code: currency) == nil { throw Problem.invalid("currency", Currency.unknownCodeHelp) }
        filter.minPrice = try amount("minPrice")
        filter.maxPrice = try amount("maxPrice")
        if let low = filter.minPrice, let high = filter.maxPrice, high < low {
            throw Problem.invalid("maxPrice", "must not be below minPrice")
        }
        // Amounts of different currencies do not compare; only "free" (a maximum of 0) needs none.
        if (filter.minPrice != nil || filter.maxPrice != nil) && filter.currency == nil && filter.maxPrice != 0 {
            throw Problem.invalid("currency", "is required with minPrice or maxPrice (unless maxPrice is 0: free courses)")
        }
        if let value = request.query("minRating") {
            guard let rating = Double(value), (0...5).contains(rating) else { throw Problem.invalid("minRating", "must be a number from 0 to 5") }
            filter.minRatingHundredths = Int((rating * 100).rounded(.up))
        }
        filter.instructorId = try request.queryUUID("instructorId")
        filter.tag = try text("tag", max: 64)
        if let tag = filter.tag, !Validation.isSlug(tag) { throw Problem.invalid("tag", Validation.slugHelp) }
        if let status = try request.queryEnum("status", as: CourseStatus.self) {
            filter.status = status
            let ownList = viewer.userId != nil && filter.instructorId == viewer.userId
            if status != .published && !viewer.seesEverything && !ownList {
                if viewer.userId == nil && !viewer.isService { throw Problem.unauthenticated("listing unpublished courses needs an access token") }
                throw Problem.forbidden("unpublished courses are listed only for their instructor (instructorId=<your id>) and administrators")
            }
        }

        let sort = try request.queryEnum("sort", as: CatalogSort.self) ?? (filter.q == nil ? .newest : .relevance)
        if sort == .relevance && filter.q == nil { throw Problem.invalid("sort", "relevance needs a search (q)") }
        let page = try PageRequest(request, defaultLimit: 20, maxLimit: 100)
        let after = try page.decodeCursor(CatalogCursor.self)
        if let after, after.sort != sort || !after.isComplete {
            throw Problem.invalid("cursor", "is not a cursor from a previous page of this sort")
        }
        self.init(filter: filter, sort: sort, limit: page.limit, after: after)
    }
}
