import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ObjectStorage
import Shared
import Synchronization
import TestSupport
import Testing

@Suite struct ObjectStoreTests {
    @Test func sigV4MatchesTheAWSTestSuite() {
        // "get-vanilla" from AWS's Signature Version 4 test suite.
        let signer = SigV4Signer(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                 region: "us-east-1", service: "service")
        let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
        let authorization = signer.authorization(
            method: "GET", path: "/", headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
            payloadHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", date: date)
        #expect(authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func theLocalFolderStoresReplacesAndDeletesAndRefusesUnsafeKeys() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: TestNames.unique("objects"))
        defer { try? FileManager.default.removeItem(at: folder) }
        try await exercise(LocalDiskObjectStore(folder: folder))
        for key in ["../escape", "a//b", "/rooted", "a/./b", "spaces are bad", ""] {
            await #expect(throws: ObjectStoreError.self) { try await LocalDiskObjectStore(folder: folder).put(Data(), key: key, contentType: "x") }
        }
    }

    @Test func s3RequestsAreSignedAndAWrongSecretIsRefused() async throws {
        let fake = FakeS3(accessKeyId: "AKIATEST", secret: "test-secret")
        let server = try await LocalServer.start(router: fake.router())
        defer { Task { await server.stop() } }
        func store(secret: String) -> S3ObjectStore {
            S3ObjectStore(settings: S3Settings(endpoint: server.url, bucket: "avatars-bucket", region: "eu-west-1",
                                               accessKeyId: "AKIATEST", secretAccessKey: secret))
        }
        try await exercise(store(secret: "test-secret"))
        #expect(fake.signedRequests.withLock { $0 } >= 5)
        await #expect(throws: ObjectStoreError.self) { try await store(secret: "wrong").put(Data([1]), key: "k", contentType: "x") }
    }

    /// What every store must do.
    func exercise(_ store: any ObjectStore) async throws {
        #expect(try await store.get(key: "users/1/a") == nil)
        try await store.put(Data("first".utf8), key: "users/1/a", contentType: "image/png")
        try await store.put(Data("second".utf8), key: "users/1/a", contentType: "image/gif")
        #expect(try await store.get(key: "users/1/a") == StoredObject(data: Data("second".utf8), contentType: "image/gif"))
        try await store.delete(key: "users/1/a")
        try await store.delete(key: "users/1/a")
        #expect(try await store.get(key: "users/1/a") == nil)
    }
}

/// A minimal S3: path-style objects in memory, every request's SigV4 signature and payload hash checked.
final class FakeS3: Sendable {
    let signer: SigV4Signer
    let objects = Mutex<[String: (Data, String)]>([:])
    let signedRequests = Mutex(0)

    init(accessKeyId: String, secret: String) {
        signer = SigV4Signer(accessKeyId: accessKeyId, secretAccessKey: secret, region: "eu-west-1", service: "s3")
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.on("/{bucket}/**", method: .put) { request, _ in try await self.handle(request) }
        router.on("/{bucket}/**", method: .get) { request, _ in try await self.handle(request) }
        router.on("/{bucket}/**", method: .delete) { request, _ in try await self.handle(request) }
        return router
    }

    private func handle(_ request: Request) async throws -> Response {
        let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
        // HTTPTypes moves the Host header into the request's authority.
        let header = { (name: String) in name == "host" ? request.head.authority ?? "" : request.headers[HTTPField.Name(name)!] ?? "" }
        let payloadHash = SigV4Signer.hex(SHA256.hash(data: body))
        let signed = header("authorization").firstMatch(of: /SignedHeaders=([a-z0-9;\-]+)/).map { String($0.1) } ?? ""
        let names = signed.split(separator: ";").map(String.init)
        guard let date = Self.date(header("x-amz-date")), header("x-amz-content-sha256") == payloadHash,
              names.contains("host"), names.contains("x-amz-date"), names.contains("x-amz-content-sha256"),
              header("authorization") == signer.authorization(
                  method: request.method.rawValue, path: request.uri.path, headers: names.map { ($0, header($0)) },
                  payloadHash: payloadHash, date: date)
        else {
            return Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: "<Error><Code>SignatureDoesNotMatch</Code></Error>")))
        }
        signedRequests.withLock { $0 += 1 }
        let key = request.uri.path
        switch request.method {
        case .put:
            objects.withLock { $0[key] = (body, header("content-type")) }
            return Response(status: .ok)
        case .get:
            guard let (data, type) = objects.withLock({ $0[key] }) else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "<Error><Code>NoSuchKey</Code></Error>")))
            }
            return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(data: data)))
        default:
            _ = objects.withLock { $0.removeValue(forKey: key) }
            return Response(status: .noContent)
        }
    }

    static func date(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }
}
