import Foundation
import Shared
import Testing

@testable import AIOrchestrator

/// Providers, deployments and calls for the adapter tests.
enum ProviderFixtures {
    /// A key that must never show up in an error.
    static let key = "sk-test-NEVER-SHOW-ME-0123456789"

    static func provider(_ kind: ProviderKind, baseURL: String, apiVersion: String? = nil, timeoutSeconds: Int = 30) -> ProviderConfig {
        ProviderConfig(id: UUIDv7.make(), name: "\(kind.rawValue)-test", kind: kind, baseURL: baseURL, credentialSetting: "TEST_KEY",
                       apiVersion: apiVersion, timeoutSeconds: timeoutSeconds, enabled: true)
    }

    static func deployment(model: String = "gpt-4o-mini", maxOutputTokens: Int? = nil,
                           capabilities: [Capability] = [.chat, .streaming, .tools, .embeddings]) -> Deployment {
        Deployment(id: UUIDv7.make(), name: "\(model)@test", providerId: UUIDv7.make(), model: model, contextWindow: 128_000,
                   maxOutputTokens: maxOutputTokens, inputMicrosPerMillion: 150_000, outputMicrosPerMillion: 600_000,
                   currency: "USD", capabilities: capabilities, tier: .small, enabled: true)
    }

    static func request(_ body: JSONValue) throws -> ChatRequest {
        guard case .object(let members) = body else { throw FixtureError.notAnObject }
        return try ChatRequest(json: members)
    }

    static func chat(_ body: JSONValue, provider: ProviderConfig, deployment: Deployment = deployment(),
                     apiKey: String? = key) throws -> ChatCall {
        ChatCall(deployment: deployment, provider: provider, apiKey: apiKey, request: try request(body))
    }

    static func embedding(_ body: JSONValue, provider: ProviderConfig, deployment: Deployment = deployment(model: "text-embedding-3-small"),
                          apiKey: String? = key) throws -> EmbeddingCall {
        guard case .object(let members) = body else { throw FixtureError.notAnObject }
        return EmbeddingCall(deployment: deployment, provider: provider, apiKey: apiKey, request: try EmbeddingRequest(json: members))
    }

    /// A one-message chat body.
    static func hello(_ extra: [String: JSONValue] = [:]) -> JSONValue {
        var body: [String: JSONValue] = ["model": "tutor-default", "messages": [["role": "user", "content": "Hello there"]]]
        body.merge(extra) { $1 }
        return .object(body)
    }

    /// Every part of a stream.
    static func collect(_ stream: AsyncThrowingStream<StreamPart, any Error>) async throws -> [StreamPart] {
        var parts: [StreamPart] = []
        for try await part in stream { parts.append(part) }
        return parts
    }

    static func chunks(_ parts: [StreamPart]) -> [JSONValue] {
        parts.compactMap { if case .chunk(let chunk, _) = $0 { chunk } else { nil } }
    }

    static func usages(_ parts: [StreamPart]) -> [TokenUsage] {
        parts.compactMap { if case .usage(let usage) = $0 { usage } else { nil } }
    }

    /// The content the chunks carry, joined.
    static func content(_ parts: [StreamPart]) -> String {
        chunks(parts).compactMap { first($0["choices"])?["delta"]?["content"]?.stringValue }.joined()
    }

    /// The error an operation throws, or nil.
    static func error(_ operation: () async throws -> Void) async -> (any Error)? {
        do {
            try await operation()
            return nil
        } catch {
            return error
        }
    }

    /// The first item of an array.
    static func first(_ value: JSONValue?) -> JSONValue? {
        if case .array(let items)? = value { return items.first }
        return nil
    }

    enum FixtureError: Error { case notAnObject }
}
