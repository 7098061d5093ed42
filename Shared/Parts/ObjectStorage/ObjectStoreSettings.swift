import Foundation
import Logging
import Shared

extension ServiceRuntime {
    /// The object store the settings choose: S3 (or any S3-compatible server) when `S3_BUCKET`
    /// is set, else files under `OBJECT_STORE_FOLDER`.
    /// - Throws: `SettingsError` for incomplete S3 settings.
    public func objectStore() throws -> any ObjectStore {
        if let s3 = try S3Settings(settings: settings) {
            logger.info("objects go to S3", metadata: ["endpoint": "\(s3.endpoint)", "bucket": "\(s3.bucket)"])
            return S3ObjectStore(settings: s3)
        }
        let folder = URL(fileURLWithPath: settings.string("OBJECT_STORE_FOLDER", default: ".local/objects"))
        logger.notice("no S3_BUCKET: objects go to the local folder", metadata: ["folder": "\(folder.path)"])
        return LocalDiskObjectStore(folder: folder)
    }
}
