import Foundation
import Shared

/// Providers' API keys, read from the environment variables the catalog names. Only the
/// variable's name is stored anywhere; the key stays in this process's environment.
struct ProviderKeys: Sendable {
    let settings: Settings

    func key(for provider: ProviderConfig) -> String? {
        provider.credentialSetting.flatMap { settings.raw($0, secret: true) }
    }

    func isConfigured(_ provider: ProviderConfig) -> Bool {
        key(for: provider) != nil
    }
}
