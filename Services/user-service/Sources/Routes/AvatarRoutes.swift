import Foundation
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat
import ObjectStorage
import Shared

/// Profile pictures: uploaded as the raw image body, checked by content and size, served to anyone.
struct AvatarRoutes: Sendable {
    let profiles: ProfileStore
    let store: any ObjectStore
    let maxBytes: Int

    func add(to router: Router<AppRequestContext>, signedIn: RouterGroup<AppRequestContext>) {
        signedIn.post("/users/:id/avatar") { request, context in try await upload(request, context) }
        signedIn.delete("/users/:id/avatar") { _, context -> HTTPResponse.Status in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            _ = try await profiles.replaceAvatar(of: id, key: nil, contentType: nil)
            return .noContent
        }
        // Public: avatars appear next to names everywhere, signed in or not.
        router.get("/users/:id/avatar") { request, context in try await download(request, context) }
    }

    func upload(_ request: Request, _ context: AppRequestContext) async throws -> Profile {
        let id = try context.parameters.require("id", as: UUID.self)
        _ = try context.requireOwnerOrAdmin(id)
        let data: Data
        do {
            data = Data(buffer: try await request.body.collect(upTo: maxBytes))
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, code: "avatar_too_large", detail: "an avatar may be at most \(maxBytes) bytes",
                          fieldErrors: [FieldError(field: "avatar", message: "is larger than \(maxBytes) bytes")])
        }
        guard let type = ImageType(sniffing: data) else {
            throw Problem(.unsupportedMediaType, code: "avatar_not_an_image",
                          detail: "an avatar must be a PNG, JPEG, GIF or WebP image, sent as the request body",
                          fieldErrors: [FieldError(field: "avatar", message: "is not a PNG, JPEG, GIF or WebP image")])
        }
        _ = try await profiles.require(id)
        // A new key per upload: caches of the old picture can never serve it under the new one.
        let key = "avatars/\(id.lowercasedText)/\(UUIDv7.make().lowercasedText)"
        try await store.put(data, key: key, contentType: type.rawValue)
        do {
            return try await profiles.replaceAvatar(of: id, key: key, contentType: type.rawValue)
        } catch {
            // The profile went away meanwhile: the new object must not stay behind.
            try? await store.delete(key: key)
            throw error
        }
    }

    func download(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id", as: UUID.self)
        guard let key = try await profiles.avatarKey(of: id) else { throw Problem.notFound("avatar", id: id) }
        let etag = "\"\(key.split(separator: "/").last ?? "")\""
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: [.eTag: etag])
        }
        guard let object = try await store.get(key: key) else { throw Problem.notFound("avatar", id: id) }
        return Response(
            status: .ok,
            headers: [.contentType: object.contentType, .eTag: etag, .cacheControl: "public, max-age=300",
                      .contentDisposition: "inline"],
            body: .init(byteBuffer: ByteBuffer(data: object.data)))
    }
}
