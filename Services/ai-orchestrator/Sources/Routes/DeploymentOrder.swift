import Foundation
import Shared

/// `POST /ai-orchestrator/deployments` (and the document a PATCH is merged into).
struct DeploymentOrder: Codable, Sendable {
    var name: String
    /// The provider's name or id.
    var provider: String
    var model: String
    var contextWindow: Int
    var maxOutputTokens: Int?
    var inputMicrosPerMillion: Int64
    var outputMicrosPerMillion: Int64
    var currency: String?
    var capabilities: [String]
    var tier: String
    var enabled: Bool?

    init(_ row: DeploymentRow) {
        let deployment = row.deployment
        name = deployment.name
        provider = row.providerName
        model = deployment.model
        contextWindow = deployment.contextWindow
        maxOutputTokens = deployment.maxOutputTokens
        inputMicrosPerMillion = deployment.inputMicrosPerMillion
        outputMicrosPerMillion = deployment.outputMicrosPerMillion
        currency = deployment.currency
        capabilities = deployment.capabilities.map(\.rawValue)
        tier = deployment.tier.rawValue
        enabled = deployment.enabled
    }

    static let maxPrice: Int64 = 1_000_000_000_000

    /// The deployment this order describes, at the provider given.
    /// - Parameter providerId: the provider's id, nil when `provider` names none.
    /// - Throws: a 422 naming every field at fault.
    func deployment(id: UUID, providerId: UUID?) throws -> Deployment {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        if !CatalogRules.isSlug(name) { refuse("name", CatalogRules.slugHelp) }
        if providerId == nil { refuse("provider", "names no provider") }
        if model.isEmpty || model.count > 200 || model.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 32 } == true }) {
            refuse("model", "must be the upstream model's name: 1 to 200 characters without spaces")
        }
        if !(1...10_000_000).contains(contextWindow) { refuse("contextWindow", "must be a whole number of tokens from 1 to 10000000") }
        if let maxOutputTokens, !(1...max(1, contextWindow)).contains(maxOutputTokens) {
            refuse("maxOutputTokens", "must be from 1 to the context window")
        }
        if !(0...Self.maxPrice).contains(inputMicrosPerMillion) { refuse("inputMicrosPerMillion", "must be 0 or more micros per million tokens") }
        if !(0...Self.maxPrice).contains(outputMicrosPerMillion) { refuse("outputMicrosPerMillion", "must be 0 or more micros per million tokens") }
        let currency = currency ?? "USD"
        if currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            refuse("currency", "must be an ISO 4217 code such as USD")
        }
        var known: [Capability] = []
        for (index, name) in capabilities.enumerated() {
            guard let capability = Capability(rawValue: name) else {
                refuse("capabilities[\(index)]", "must be one of \(Capability.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            if !known.contains(capability) { known.append(capability) }
        }
        if capabilities.isEmpty { refuse("capabilities", "must name at least one of \(Capability.allCases.map(\.rawValue).joined(separator: ", "))") }
        if known.contains(.streaming) && !known.contains(.chat) { refuse("capabilities", "streaming needs chat") }
        let tier = Tier(rawValue: tier)
        if tier == nil { refuse("tier", "must be one of \(Tier.allCases.map(\.rawValue).joined(separator: ", "))") }
        guard errors.isEmpty, let providerId, let tier else { throw Problem.invalid(errors) }
        return Deployment(id: id, name: name, providerId: providerId, model: model, contextWindow: contextWindow,
                          maxOutputTokens: maxOutputTokens, inputMicrosPerMillion: inputMicrosPerMillion,
                          outputMicrosPerMillion: outputMicrosPerMillion, currency: currency, capabilities: known, tier: tier,
                          enabled: enabled ?? true)
    }
}
