import Foundation

/// The shape every service keeps (Services/README.md), checked in its sources:
///
/// - `Sources/` holds the composition root (`App.swift`, `Config.swift`, …) and the folders
///   `Routes/`, `Domain/`, `Storage/`, `Events/`, `Providers/`, `Peers/`, nothing else.
/// - `Storage/` alone talks to PostgreSQL or Redis. Anywhere else a file talks to them when it
///   1. names one of Shared's database or Redis types (every public type declared under
///      Shared's `Postgres/` and `Redis/` folders, and `Outbox`): a route holding a `Database`,
///      a handler taking a `Transaction`, a domain type conforming to `PostgresTextDecodable`;
///      the composition root alone may name them, to hand them to the stores;
///   2. holds SQL: a string literal that starts like a statement (`SELECT`, `INSERT INTO`,
///      `UPDATE … SET`, `DELETE FROM`, `WITH … AS (`, DDL) or a clause (`WHERE`, `AND`,
///      `ORDER BY`, `ON CONFLICT`, `RETURNING`, …), in capitals as the fleet writes SQL;
///   3. calls a method only the database and Redis clients have (`queryFirst`, `transaction`,
///      `afterCommit`, `withLockedSession`, `pipeline`, `makeDedicatedConnection`);
///   4. calls anything on the transaction an `EventHandler` hands it (passing it on to a store
///      is what a handler should do);
///   5. reaches a client through another value (`courses.database`, `runtime.redis()`), in the
///      folders: the composition root alone makes the clients and hands them to the stores.
/// - `Domain/` imports neither Hummingbird nor anything that reaches outside the process
///   (`AsyncHTTPClient`, the C shims of libpq and hiredis).
///
/// Comments and the contents of strings are not code here (`SwiftSourceText`), so a message
/// that mentions a table, or a route that calls a store's `query` method or a request's
/// `query("name")`, is not mistaken for a database call.
enum ServiceShape {
    static let folders: Set<String> = ["Routes", "Domain", "Storage", "Events", "Providers", "Peers"]
    static let forbiddenInDomain = ["Hummingbird", "AsyncHTTPClient", "CLibPQ", "CHiredis"]

    /// One place that breaks the shape.
    struct Violation: Equatable, CustomStringConvertible {
        /// Relative to the repository (or, for `violations(in:path:)`, as given).
        let file: String
        let line: Int
        let rule: String

        var description: String { "\(file):\(line): \(rule)" }
    }

    /// Every violation in every service under `root/Services`.
    static func check(repository root: URL) throws -> [Violation] {
        let databaseTypes = try databaseTypes(in: root.appending(path: "Shared"))
        var found: [Violation] = []
        let services = root.appending(path: "Services")
        for service in try FileManager.default.contentsOfDirectory(atPath: services.path).sorted() {
            let sources = services.appending(path: service).appending(path: "Sources")
            guard let files = FileManager.default.enumerator(atPath: sources.path) else { continue }
            for case let path as String in files where path.hasSuffix(".swift") {
                let source = try String(contentsOf: sources.appending(path: path), encoding: .utf8)
                found += violations(in: source, path: path, databaseTypes: databaseTypes).map {
                    Violation(file: "Services/\(service)/Sources/\($0.file)", line: $0.line, rule: $0.rule)
                }
            }
        }
        return found.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }

    /// The violations in one file.
    /// - Parameters:
    ///   - path: the file's path under the service's `Sources/`, e.g. `Routes/CourseRoutes.swift`.
    ///   - databaseTypes: the type names rule 1 looks for.
    static func violations(in source: String, path: String, databaseTypes: Set<String>) -> [Violation] {
        let components = path.split(separator: "/").map(String.init)
        let folder = components.count > 1 ? components[0] : nil
        guard folder != "Storage" else { return [] }
        let text = SwiftSourceText(source)
        var found: [Violation] = []
        func add(_ offset: Int, _ rule: String) {
            found.append(Violation(file: path, line: text.line(ofOffset: offset), rule: rule))
        }

        if let folder, !folders.contains(folder) {
            found.append(Violation(file: path, line: 1, rule: "\(folder)/ is not a folder of the shape (\(folders.sorted().joined(separator: ", ")))"))
        }
        if folder != nil {
            for match in matches(#"\b[A-Z][A-Za-z0-9_]*\b"#, in: text.code) where databaseTypes.contains(match.text) {
                add(match.offset, "names \(match.text), a database type: only Storage/ talks to PostgreSQL and Redis")
            }
            for match in matches(clientReach, in: text.code) {
                add(match.offset, "reaches \(match.text.filter { !$0.isWhitespace }), a database or Redis client: call a method of the store instead")
            }
        }
        for literal in text.literals where isSQL(literal.text) {
            let start = literal.text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(40)
            found.append(Violation(file: path, line: literal.line, rule: "holds SQL (\"\(start)…\"): only Storage/ talks to PostgreSQL"))
        }
        for match in matches(databaseCalls, in: text.code) {
            add(match.offset, "calls \(match.text.filter { !$0.isWhitespace && $0 != "(" && $0 != "{" }), a database call: only Storage/ talks to PostgreSQL and Redis")
        }
        for use in handlerTransactionUses(in: text.code) {
            add(use.offset, "calls \(use.text) on the transaction of an event handler: hand it to a store in Storage/")
        }
        if folder == "Domain" {
            for match in matches(#"(?m)^\s*(?:@\w+\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z0-9_]+)"#, in: text.code) {
                let module = match.groups[0]
                if forbiddenInDomain.contains(where: { module.hasPrefix($0) }) {
                    add(match.offset, "imports \(module): Domain/ holds values and rules, without HTTP, databases or calls out")
                }
            }
        }
        var seen: Set<String> = []
        return found.sorted { $0.line < $1.line }.filter { seen.insert($0.description).inserted }
    }

    /// The public types Shared declares under its `Postgres/` and `Redis/` folders, and `Outbox`.
    static func databaseTypes(in shared: URL) throws -> Set<String> {
        var names: Set<String> = ["Outbox"]
        guard let files = FileManager.default.enumerator(atPath: shared.path) else { return names }
        for case let path as String in files where path.hasSuffix(".swift") {
            let folders = path.split(separator: "/").dropLast()
            guard folders.contains("Postgres") || folders.contains("Redis") else { continue }
            let source = try String(contentsOf: shared.appending(path: path), encoding: .utf8)
            let declaration = #"(?m)^public\s+(?:final\s+)?(?:class|struct|enum|protocol|actor|typealias)\s+([A-Za-z0-9_]+)"#
            names.formUnion(matches(declaration, in: SwiftSourceText(source).code).map { $0.groups[0] })
        }
        return names
    }

    /// A database, Redis or outbox client reached through another value (`courses.database`,
    /// `runtime.redis()`): the value's type need not be named for the client to be used.
    static let clientReach = #"\b[A-Za-z_][A-Za-z0-9_]*\s*\.\s*(?:database|redis|outbox)\b"#

    /// Calls that only the database and Redis clients answer.
    static let databaseCalls = #"\.(?:queryFirst|afterCommit|withLockedSession|pipeline|makeDedicatedConnection)\s*[({]|\.transaction\s*[({]"#

    static let statement = try! NSRegularExpression(pattern: #"""
        ^\s*(?:SELECT\s|INSERT\s+INTO\s|UPDATE\s+[A-Za-z_][A-Za-z0-9_.]*\s+(?:AS\s+\w+\s+)?SET\s|DELETE\s+FROM\s|WITH\s+(?:RECURSIVE\s+)?\w+\s+AS\s*\(|(?:CREATE|ALTER|DROP)\s+(?:TABLE|INDEX|SCHEMA|TYPE|VIEW|FUNCTION|TRIGGER|SEQUENCE|EXTENSION)\s|TRUNCATE\s|LOCK\s+TABLE\s|(?:WHERE|AND|OR|ORDER\s+BY|GROUP\s+BY|HAVING|LIMIT|OFFSET|(?:LEFT\s+|INNER\s+)?JOIN|ON\s+CONFLICT|RETURNING|VALUES|FROM)\s)
        """#)

    /// Whether a literal's text is SQL: a statement or a clause, in capitals.
    static func isSQL(_ text: String) -> Bool {
        statement.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Member calls on the second parameter of an `EventHandler` closure (`{ event, transaction in … }`).
    static func handlerTransactionUses(in code: String) -> [(offset: Int, text: String)] {
        let units = Array(code.utf16)
        let openParenthesis = UInt16(UInt8(ascii: "(")), closeParenthesis = UInt16(UInt8(ascii: ")"))
        let openBrace = UInt16(UInt8(ascii: "{")), closeBrace = UInt16(UInt8(ascii: "}"))
        var uses: [(Int, String)] = []
        for head in matches(#"EventHandler\s*\("#, in: code) {
            // Past the arguments, to the trailing closure and its parameters.
            guard let argumentsEnd = closing(openParenthesis, closeParenthesis, from: head.offset + head.length - 1, in: units) else { continue }
            var bodyStart = argumentsEnd + 1
            while bodyStart < units.count, units[bodyStart] != openBrace, Character(Unicode.Scalar(units[bodyStart]) ?? "x").isWhitespace {
                bodyStart += 1
            }
            guard bodyStart < units.count, units[bodyStart] == openBrace,
                  let bodyEnd = closing(openBrace, closeBrace, from: bodyStart, in: units) else { continue }
            let body = String(decoding: units[bodyStart...bodyEnd], as: UTF16.self)
            guard let parameters = matches(#"^\{\s*\(?\s*\w+\s*,\s*(\w+)\s*\)?\s+in\b"#, in: body).first else { continue }
            let name = parameters.groups[0]
            for use in matches(#"(?<![\w.])\#(name)\s*\.\s*(\w+)"#, in: body) {
                uses.append((bodyStart + use.offset, "\(name).\(use.groups[0])"))
            }
        }
        return uses
    }

    /// The offset of the bracket closing the one at `offset`.
    private static func closing(_ open: UInt16, _ close: UInt16, from offset: Int, in units: [UInt16]) -> Int? {
        var depth = 0
        var index = offset
        while index < units.count {
            if units[index] == open { depth += 1 }
            if units[index] == close {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }

    struct Match {
        let offset: Int
        let length: Int
        let text: String
        let groups: [String]
    }

    static func matches(_ pattern: String, in text: String) -> [Match] {
        let expression = try! NSRegularExpression(pattern: pattern)
        let string = text as NSString
        return expression.matches(in: text, range: NSRange(location: 0, length: string.length)).map { result in
            Match(offset: result.range.location, length: result.range.length, text: string.substring(with: result.range),
                  groups: (1..<max(1, result.numberOfRanges)).map { index in
                      let range = result.range(at: index)
                      return range.location == NSNotFound ? "" : string.substring(with: range)
                  })
        }
    }
}
