import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import Shared

/// Where the S3-compatible store is: `S3_ENDPOINT` (default AWS's regional endpoint),
/// `S3_BUCKET`, `S3_REGION`, `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY`.
public struct S3Settings: Sendable {
    public let endpoint: String
    public let bucket: String
    public let region: String
    let accessKeyId: String
    let secretAccessKey: String

    /// nil when `S3_BUCKET` is not set.
    public init?(settings: Settings) throws(SettingsError) {
        guard let bucket = settings.raw("S3_BUCKET") else { return nil }
        self.bucket = bucket
        region = settings.string("S3_REGION", default: "us-east-1")
        endpoint = try settings.url("S3_ENDPOINT", default: "https://s3.\(region).amazonaws.com").absoluteString
        accessKeyId = try settings.requiredString("S3_ACCESS_KEY_ID")
        secretAccessKey = try settings.requiredString("S3_SECRET_ACCESS_KEY", secret: true)
    }

    public init(endpoint: String, bucket: String, region: String, accessKeyId: String, secretAccessKey: String) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.region = region
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }
}

/// Objects in an S3 bucket, addressed path-style (`<endpoint>/<bucket>/<key>`, which MinIO and
/// other compatible servers expect), each request signed with SigV4.
public struct S3ObjectStore: ObjectStore {
    let settings: S3Settings
    let signer: SigV4Signer
    let client: HTTPClient

    public init(settings: S3Settings, client: HTTPClient = PeerHTTPClient.shared) {
        self.settings = settings
        self.client = client
        signer = SigV4Signer(accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey,
                             region: settings.region, service: "s3")
    }

    public func put(_ data: Data, key: String, contentType: String) async throws {
        let response = try await send("PUT", key: key, body: data, extraHeaders: [("content-type", contentType)])
        guard response.status == .ok else { throw try await failure(response, "PUT", key) }
    }

    public func get(key: String) async throws -> StoredObject? {
        let response = try await send("GET", key: key, body: Data())
        if response.status == .notFound { return nil }
        guard response.status == .ok else { throw try await failure(response, "GET", key) }
        let body = try await response.body.collect(upTo: 256 << 20)
        return StoredObject(data: Data(buffer: body), contentType: response.headers.first(name: "content-type") ?? "application/octet-stream")
    }

    public func delete(key: String) async throws {
        let response = try await send("DELETE", key: key, body: Data())
        guard response.status == .noContent || response.status == .ok || response.status == .notFound else {
            throw try await failure(response, "DELETE", key)
        }
    }

    private func send(_ method: String, key: String, body: Data, extraHeaders: [(String, String)] = []) async throws -> HTTPClientResponse {
        try ObjectStoreError.check(key)
        guard let base = URL(string: settings.endpoint), let host = base.host else { throw ObjectStoreError.failed("bad endpoint") }
        let hostHeader = base.port.map { "\(host):\($0)" } ?? host
        let path = (base.path == "/" ? "" : base.path) + "/\(settings.bucket)/\(key)"
        let payloadHash = SigV4Signer.hex(SHA256.hash(data: body))
        let now = Date()
        var headers = [("host", hostHeader), ("x-amz-date", SigV4Signer.stamps(now).time), ("x-amz-content-sha256", payloadHash)]
        headers += extraHeaders
        let authorization = signer.authorization(method: method, path: path, headers: headers, payloadHash: payloadHash, date: now)

        var request = HTTPClientRequest(url: "\(base.scheme ?? "https")://\(hostHeader)\(SigV4Signer.encodePath(path))")
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers where name != "host" { request.headers.add(name: name, value: value) }
        request.headers.add(name: "authorization", value: authorization)
        if method == "PUT" { request.body = .bytes(ByteBuffer(data: body)) }
        return try await client.execute(request, timeout: .seconds(30))
    }

    private func failure(_ response: HTTPClientResponse, _ method: String, _ key: String) async throws -> ObjectStoreError {
        let text = String(buffer: try await response.body.collect(upTo: 64 << 10))
        let code = text.firstMatch(of: /<Code>([^<]+)<\/Code>/).map { String($0.1) } ?? "no error code"
        return .failed("\(method) \(key) answered \(response.status.code) (\(code))")
    }
}
