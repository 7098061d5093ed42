import Foundation

/// How an upstream is spoken to.
enum ProviderKind: String, Codable, Sendable, CaseIterable {
    /// OpenAI's Chat Completions and Embeddings API at any base URL: OpenAI, vLLM, Ollama,
    /// LiteLLM-style proxies, and Azure OpenAI when `apiVersion` is set.
    case openAICompatible = "openai_compatible"
    /// Anthropic's Messages API.
    case anthropic
    /// Answers in-process, deterministically, and says it is local: the local stack's model.
    case local
}

/// An upstream account: where it is and which setting holds its key. The key itself never
/// leaves the environment: not stored, not logged, not answered.
struct ProviderConfig: Codable, Sendable, Equatable {
    let id: UUID
    /// A slug, unique: `openai`, `azure-eastus`, `anthropic`, `local`.
    let name: String
    let kind: ProviderKind
    /// e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`, `https://api.anthropic.com`,
    /// `https://NAME.openai.azure.com` (Azure).
    let baseURL: String
    /// The environment variable holding the API key (`OPENAI_API_KEY`), or nil for none.
    let credentialSetting: String?
    /// Azure OpenAI's `api-version`; when set, an openai_compatible provider speaks Azure's
    /// dialect (`/openai/deployments/{model}/…?api-version=`, key in the `api-key` header).
    let apiVersion: String?
    /// How long one upstream call may take before it counts as a timeout.
    let timeoutSeconds: Int
    let enabled: Bool
}
