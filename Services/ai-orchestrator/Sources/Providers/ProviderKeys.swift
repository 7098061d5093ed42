import Foundation
import Shared
import Synchronization

/// Providers' API keys, read from the environment variables the catalog names. Only the
/// variable's name is stored anywhere; the key stays in this process's memory.
///
/// A process's environment does not change while it runs, so each variable is read once:
/// reading it through the configuration reader on every call cost about 2% of a call's CPU.
final class ProviderKeys: Sendable {
    private let settings: Settings
    private let read = Mutex<[String: String?]>([:])

    init(settings: Settings) {
        self.settings = settings
    }

    func key(for provider: ProviderConfig) -> String? {
        guard let name = provider.credentialSetting else { return nil }
        if let known = read.withLock({ $0[name] }) { return known }
        let value = settings.raw(name, secret: true)
        read.withLock { $0[name] = value }
        return value
    }

    func isConfigured(_ provider: ProviderConfig) -> Bool {
        key(for: provider) != nil
    }
}
