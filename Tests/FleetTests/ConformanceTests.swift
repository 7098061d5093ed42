import Foundation
import Testing

/// Every service's contract follows the fleet's rules (`Python/conformance/rules.py`), read from
/// every `Services/*/openapi.yaml` without running anything: one problem schema, the fleet-wide
/// refusals each operation can get (401, 400, 413, 415, 422, 429, 503 as it reads a token,
/// parameters or a body), lists with a `nextCursor` that is always present.
@Suite struct ConformanceTests {
    @Test func everyContractFollowsTheFleetsRules() throws {
        let (status, output) = try PythonScript("conformance/rules.py").run()
        #expect(status == 0, "\(output)")
    }
}
