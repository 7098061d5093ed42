import Shared

/// OpenAI's `usage` object.
enum OpenAIUsage {
    /// `prompt_tokens` and `completion_tokens` (0 when absent, as in embeddings answers), or nil
    /// when the answer reports no usage.
    static func read(_ usage: JSONValue?) -> TokenUsage? {
        guard let prompt = UpstreamJSON.int(usage?["prompt_tokens"]) else { return nil }
        return TokenUsage(promptTokens: prompt, completionTokens: UpstreamJSON.int(usage?["completion_tokens"]) ?? 0)
    }

    /// The object for a usage.
    static func json(_ usage: TokenUsage) -> JSONValue {
        ["prompt_tokens": .number(Double(usage.promptTokens)), "completion_tokens": .number(Double(usage.completionTokens)),
         "total_tokens": .number(Double(usage.totalTokens))]
    }
}
