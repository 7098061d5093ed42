import Crypto
import Foundation

/// Secrets at rest (signing keys, TOTP secrets) sealed with AES-GCM under KEY_ENCRYPTION_KEY.
enum Sealing {
    static func seal(_ plain: Data, with key: SymmetricKey) throws -> Data {
        guard let combined = try AES.GCM.seal(plain, using: key).combined else { throw SealingError() }
        return combined
    }

    static func open(_ sealed: Data, with key: SymmetricKey) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key)
    }

    struct SealingError: Error {}
}
