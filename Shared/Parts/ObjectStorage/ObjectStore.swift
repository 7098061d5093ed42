import Foundation
import Shared

/// Where services keep files (avatars, certificates, exports): a key → bytes store with a
/// content type. Keys are `/`-separated paths of safe characters chosen by the service, never
/// by the user.
public protocol ObjectStore: Sendable {
    func put(_ data: Data, key: String, contentType: String) async throws
    /// The object, or nil when there is none under the key.
    func get(key: String) async throws -> StoredObject?
    /// Removes the object; removing a missing object is not an error.
    func delete(key: String) async throws
}

public struct StoredObject: Sendable, Equatable {
    public let data: Data
    public let contentType: String

    public init(data: Data, contentType: String) {
        self.data = data
        self.contentType = contentType
    }
}

public enum ObjectStoreError: Error, CustomStringConvertible {
    case invalidKey(String)
    case failed(String)

    public var description: String {
        switch self {
        case .invalidKey(let key): "object key \(key) is not a safe path"
        case .failed(let detail): "object store: \(detail)"
        }
    }
}

extension ObjectStoreError {
    /// Keys are service-made paths: letters, digits, `-_.` and `/`, no empty or dot segments.
    static func check(_ key: String) throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./"))
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, key.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }),
              segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else { throw ObjectStoreError.invalidKey(key) }
    }
}
