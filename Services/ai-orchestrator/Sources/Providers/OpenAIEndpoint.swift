import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Shared

/// Where and how an OpenAI-compatible provider is called: OpenAI's own dialect
/// (`{baseURL}/chat/completions`, `Authorization: Bearer`), or Azure OpenAI's when the provider
/// has an `apiVersion` (`{baseURL}/openai/deployments/{model}/chat/completions?api-version=`,
/// `api-key` header). The key goes in a header only: never in a URL, where logs would keep it.
struct OpenAIEndpoint {
    let provider: ProviderConfig
    let apiKey: String?

    var isAzure: Bool { provider.apiVersion != nil }

    private var base: String {
        var base = provider.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        // An Azure endpoint configured with its `/openai` suffix is the same endpoint.
        if isAzure, base.hasSuffix("/openai") { base.removeLast("/openai".count) }
        return base
    }

    /// The URL of an operation (`chat/completions`, `embeddings`) for a model.
    func url(_ operation: String, model: String) -> String {
        guard let version = provider.apiVersion else { return "\(base)/\(operation)" }
        let deployment = model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? model
        let query = version.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "+"])) ?? version
        return "\(base)/openai/deployments/\(deployment)/\(operation)?api-version=\(query)"
    }

    /// The models list (`GET {baseURL}/models`), for probes of the OpenAI dialect.
    var modelsURL: String { "\(base)/models" }

    /// A request to the provider, authenticated as its dialect wants.
    func request(_ method: HTTPMethod, _ url: String, body: [String: JSONValue]?, accept: String = "application/json")
        -> HTTPClientRequest
    {
        var headers = [("Accept", accept)]
        if let apiKey, !apiKey.isEmpty {
            headers.append(isAzure ? ("api-key", apiKey) : ("Authorization", "Bearer \(apiKey)"))
        }
        return UpstreamHTTP.request(method, url, body: body, headers: headers)
    }
}
