import Foundation
import Hummingbird
import Testing

@testable import Shared

@Suite struct SQLTests {
    @Test func interpolatedValuesBecomeNumberedParameters() {
        let id = UUID()
        let sql: SQL = "SELECT * FROM accounts WHERE id = \(id) AND code = \("o'brien")"
        let (text, parameters) = sql.render()
        #expect(text == "SELECT * FROM accounts WHERE id = $1 AND code = $2")
        #expect(parameters == [.text(id.lowercasedText), .text("o'brien")])
    }

    @Test func fragmentsComposeWithRenumberedParameters() {
        let filters: [SQL] = ["status = \("active")", "owner = \(42)"]
        let sql: SQL = "SELECT 1 WHERE \(SQL(joining: filters, separator: " AND ")) LIMIT \(10)"
        let (text, parameters) = sql.render()
        #expect(text == "SELECT 1 WHERE status = $1 AND owner = $2 LIMIT $3")
        #expect(parameters == [.text("active"), .text("42"), .text("10")])
    }

    @Test func nilBecomesNull() {
        let missing: String? = nil
        let (_, parameters) = ("SELECT \(missing)" as SQL).render()
        #expect(parameters == [.text(nil)])

        // An array of optionals goes in the binary format, its NULLs as such.
        let ids: [UUID?] = [UUID(), nil]
        let (_, binary) = ("SELECT \(ids)::uuid[]" as SQL).render()
        #expect(binary == [.binary(ids.postgresBinary)])
    }

    @Test func arrayLiteralsQuoteEveryElement() {
        #expect(["a", "b\"c", "d\\e", "NULL"].postgresText == #"{"a","b\"c","d\\e","NULL"}"#)
        #expect(PostgresArrayLiteral.split(#"{"a b","c\"d",NULL,e}"#) == ["a b", "c\"d", nil, "e"])
        #expect(PostgresArrayLiteral.split("{}") == [])
    }

    @Test func timestampsRoundTripToTheMicrosecond() throws {
        let date = try #require(Timestamp.parse("2026-01-31T12:34:56.123456Z"))
        #expect(Timestamp.format(date) == "2026-01-31T12:34:56.123456Z")
        #expect(Timestamp.parse("2026-01-31 14:34:56.123456+02") == date)
        #expect(Timestamp.parse("2026-01-31T12:34:56Z") != nil)
        #expect(Timestamp.parse("31/01/2026") == nil)
        // Every field is zero-padded to its width.
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp.format(try #require(Timestamp.parse("2026-02-03T04:05:06.000007Z"))) == "2026-02-03T04:05:06.000007Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500000Z")
    }
}

@Suite struct PaginationTests {
    struct Position: Codable, Equatable { let id: Int }

    @Test func aPageFetchedWithOneExtraRowHasANextCursorThatDecodesBack() throws {
        let page = Page(items: [1, 2, 3], limit: 2) { Position(id: $0) }
        #expect(page.items == [1, 2])
        let cursor = try #require(page.nextCursor)
        let request = Request(head: .init(method: .get, scheme: "http", authority: "x", path: "/items?limit=2&cursor=\(cursor)"),
                              body: .init(buffer: ByteBuffer()))
        let next = try PageRequest(request)
        #expect(next.limit == 2)
        #expect(try next.decodeCursor(Position.self) == Position(id: 2))
        #expect(Page(items: [1], limit: 2) { Position(id: $0) }.nextCursor == nil)
    }

    @Test func aBadLimitOrCursorIsRefusedNamingIt() throws {
        func request(_ query: String) -> Request {
            Request(head: .init(method: .get, scheme: "http", authority: "x", path: "/items?\(query)"), body: .init(buffer: ByteBuffer()))
        }
        #expect(throws: Problem.invalid("limit", "must be a whole number from 1 to 200")) { try PageRequest(request("limit=0")) }
        let page = try PageRequest(request("cursor=garbage"))
        let problem = #expect(throws: Problem.self) { try page.decodeCursor(Position.self) }
        #expect(problem?.fieldErrors.first?.field == "cursor")
    }
}
