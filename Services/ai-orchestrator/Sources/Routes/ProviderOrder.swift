import Foundation
import Shared

/// `POST /ai-orchestrator/providers` (and the document a PATCH is merged into).
struct ProviderOrder: Codable, Sendable {
    var name: String
    var kind: String
    var baseUrl: String?
    var credentialSetting: String?
    var apiVersion: String?
    var timeoutSeconds: Int?
    var enabled: Bool?

    /// The local provider answers in-process; its URL is only a label.
    static let localBaseURL = "http://127.0.0.1"

    init(_ config: ProviderConfig) {
        name = config.name
        kind = config.kind.rawValue
        baseUrl = config.baseURL
        credentialSetting = config.credentialSetting
        apiVersion = config.apiVersion
        timeoutSeconds = config.timeoutSeconds
        enabled = config.enabled
    }

    /// The provider this order describes.
    /// - Throws: a 422 naming every field at fault.
    func config(id: UUID) throws -> ProviderConfig {
        var errors: [FieldError] = []
        if !CatalogRules.isSlug(name) { errors.append(FieldError(field: "name", message: CatalogRules.slugHelp)) }
        let kind = ProviderKind(rawValue: kind)
        if kind == nil {
            errors.append(FieldError(field: "kind", message: "must be one of \(ProviderKind.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        var url = baseUrl ?? (kind == .local ? Self.localBaseURL : "")
        while url.hasSuffix("/") { url.removeLast() }
        if let problem = Self.urlProblem(url) { errors.append(FieldError(field: "baseUrl", message: problem)) }
        if let credentialSetting, !CatalogRules.isSettingName(credentialSetting) {
            errors.append(FieldError(field: "credentialSetting",
                                     message: "must be the name of an environment variable (A-Z, 0-9 and _, starting with a letter), not a key"))
        }
        if let apiVersion {
            if kind != .openAICompatible {
                errors.append(FieldError(field: "apiVersion", message: "applies only to openai_compatible providers (Azure OpenAI)"))
            } else if !(1...40).contains(apiVersion.count)
                        || !apiVersion.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
                errors.append(FieldError(field: "apiVersion", message: "must be an api-version such as 2024-10-21"))
            }
        }
        let timeout = timeoutSeconds ?? 60
        if !(1...600).contains(timeout) { errors.append(FieldError(field: "timeoutSeconds", message: "must be from 1 to 600")) }
        guard errors.isEmpty, let kind else { throw Problem.invalid(errors) }
        return ProviderConfig(id: id, name: name, kind: kind, baseURL: url, credentialSetting: credentialSetting, apiVersion: apiVersion,
                              timeoutSeconds: timeout, enabled: enabled ?? true)
    }

    /// Why the text is not an acceptable base URL, or nil. Credentials in the URL are refused:
    /// keys belong in the environment.
    static func urlProblem(_ text: String) -> String? {
        guard !text.isEmpty else { return "is required" }
        guard text.count <= 2048, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty else {
            return "must be an absolute http or https URL"
        }
        if components.user != nil || components.password != nil {
            return "must not hold credentials; name the environment variable in credentialSetting"
        }
        if components.query != nil || components.fragment != nil { return "must not have a query or a fragment" }
        return nil
    }
}
