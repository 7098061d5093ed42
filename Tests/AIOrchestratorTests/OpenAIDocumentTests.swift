import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import AIOrchestrator

@Suite struct OpenAIDocumentTests {
    /// Every route the service serves, as the document names it.
    static let paths: Set<String> = [
        "/v1/chat/completions", "/v1/embeddings", "/v1/models", "/v1/models/{model}",
        "/ai-orchestrator/breakers", "/ai-orchestrator/breakers/{deployment}/reset",
        "/ai-orchestrator/providers", "/ai-orchestrator/providers/{key}",
        "/ai-orchestrator/deployments", "/ai-orchestrator/deployments/{key}",
        "/ai-orchestrator/aliases", "/ai-orchestrator/aliases/{name}",
        "/ai-orchestrator/budgets", "/ai-orchestrator/budgets/{id}",
        "/ai-orchestrator/metrics", "/ai-orchestrator/metrics/history", "/ai-orchestrator/classifications",
    ]

    /// The service serves its OpenAPI 3.1 document, and the document lists every route it serves
    /// and no other.
    @Test func theServedDocumentListsEveryRoute() async throws {
        try await OrchestratorHarness.run { h in
            let document = try await h.send(.get, "/openapi.yaml")
            #expect(document.status == .ok)
            #expect(document.text.hasPrefix("openapi: 3.1.0"))
            for path in Self.paths {
                #expect(document.text.contains("\n  \(path):\n"), "\(path) is not documented")
            }
            let documented = Set(document.text.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("  /"), line.hasSuffix(":") else { return nil }
                return String(line.dropFirst(2).dropLast())
            })
            #expect(documented.subtracting(Self.paths).isEmpty, "documented but not served: \(documented.subtracting(Self.paths).sorted())")
        }
    }
}
