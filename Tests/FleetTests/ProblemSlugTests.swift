import Foundation
import Testing

/// Clients branch on a problem's `code`, so every slug the fleet answers is written one way:
/// snake_case (`course_service_unavailable`, never `course-service_unavailable`). This reads the
/// slugs written as literals in Shared, the gateway and every service: the `code:` of a problem,
/// the first argument of `Problem.conflict` and `Problem.unavailable`, and every literal a
/// `var code: String` answers. Slugs built from a name (a peer's, a pool's) are checked where
/// they are built (`PeerClientTests`).
@Suite struct ProblemSlugTests {
    static func isSnakeCase(_ slug: String) -> Bool {
        slug.wholeMatch(of: /[a-z][a-z0-9]*(_[a-z0-9]+)*/) != nil
    }

    /// Every slug literal in the sources, with the file and line it is on.
    static func slugLiterals() throws -> [(slug: String, place: String)] {
        var found: [(String, String)] = []
        let root = FleetTableTests.root
        for folder in ["Shared/Sources", "Shared/Parts", "Gateway/Sources", "Services"] {
            let files = FileManager.default.enumerator(at: root.appending(path: folder), includingPropertiesForKeys: nil)
            while let file = files?.nextObject() as? URL {
                guard file.pathExtension == "swift" else { continue }
                let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
                let name = file.path.replacingOccurrences(of: root.path + "/", with: "")
                var inCode = false, depth = 0
                for (index, line) in lines.enumerated() {
                    let place = "\(name):\(index + 1)"
                    if line.contains("var code: String {") && !line.contains("get }") {
                        inCode = true
                        depth = 0
                    }
                    for match in line.matches(of: /(?:code: |\.conflict\(|\.unavailable\()"([^"\\]*)"/) {
                        found.append((String(match.1), place))
                    }
                    if inCode {
                        found += line.matches(of: /"([^"\\]*)"/).map { (String($0.1), place) }
                        depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
                        if depth <= 0 { inCode = false }
                    }
                }
            }
        }
        return found
    }

    @Test func everyProblemSlugIsSnakeCase() throws {
        let slugs = try Self.slugLiterals()
        #expect(slugs.count > 50, "the scan found only \(slugs.count) slugs: has the way problems are written changed?")
        for (slug, place) in slugs {
            #expect(Self.isSnakeCase(slug), "\(place): the slug \"\(slug)\" is not snake_case")
        }
    }
}
