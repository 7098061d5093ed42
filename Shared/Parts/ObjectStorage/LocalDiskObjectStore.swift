import Foundation
import NIOPosix
import Shared

/// Objects as files under a folder (the local stack's default): the bytes in `<key>`, the
/// content type beside them in `<key>.type`. Writes go to a temporary file renamed into place,
/// so a reader never sees half an object. File work runs on the thread pool.
public struct LocalDiskObjectStore: ObjectStore {
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    public func put(_ data: Data, key: String, contentType: String) async throws {
        let file = try url(for: key)
        try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contentType.utf8).write(to: Self.typeFile(file), options: .atomic)
            try data.write(to: file, options: .atomic)
        }
    }

    public func get(key: String) async throws -> StoredObject? {
        let file = try url(for: key)
        return try await NIOThreadPool.singleton.runIfActive {
            guard let data = try? Data(contentsOf: file) else { return nil }
            let type = (try? String(contentsOf: Self.typeFile(file), encoding: .utf8)) ?? "application/octet-stream"
            return StoredObject(data: data, contentType: type)
        }
    }

    public func delete(key: String) async throws {
        let file = try url(for: key)
        try await NIOThreadPool.singleton.runIfActive {
            for url in [file, Self.typeFile(file)] where FileManager.default.fileExists(atPath: url.path) {
                try FileManager.default.removeItem(at: url)
            }
        }
    }

    private func url(for key: String) throws -> URL {
        try ObjectStoreError.check(key)
        return folder.appending(path: key)
    }

    private static func typeFile(_ file: URL) -> URL {
        file.deletingLastPathComponent().appending(path: file.lastPathComponent + ".type")
    }
}
