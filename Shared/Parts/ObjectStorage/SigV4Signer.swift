import Crypto
import Foundation
import Shared

/// AWS Signature Version 4, the request signing every S3-compatible server (AWS, MinIO, R2,
/// Ceph) accepts. Only what the object store needs: no query-string presigning.
public struct SigV4Signer: Sendable {
    public let accessKeyId: String
    let secretAccessKey: String
    public let region: String
    public let service: String

    public init(accessKeyId: String, secretAccessKey: String, region: String, service: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    /// The `Authorization` header for a request whose `headers` (which must include `host` and
    /// `x-amz-date`) are all signed.
    public func authorization(method: String, path: String, query: String = "", headers: [(String, String)],
                              payloadHash: String, date: Date) -> String {
        let (day, _) = Self.stamps(date)
        let canonicalHeaders = headers
            .map { ($0.0.lowercased(), $0.1.trimmingCharacters(in: .whitespaces)) }
            .sorted { $0.0 < $1.0 }
        let signedHeaders = canonicalHeaders.map(\.0).joined(separator: ";")
        let canonicalRequest = [
            method, Self.encodePath(path), query,
            canonicalHeaders.map { "\($0.0):\($0.1)\n" }.joined(), signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", Self.stamps(date).time, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return "AWS4-HMAC-SHA256 Credential=\(accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// `20150830` and `20150830T123600Z` for the date.
    public static func stamps(_ date: Date) -> (day: String, time: String) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let time = formatter.string(from: date)
        return (String(time.prefix(8)), time)
    }

    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        HexDigits.text(digest)
    }

    /// Each path segment percent-encoded except RFC 3986's unreserved characters.
    static func encodePath(_ path: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: unreserved) ?? String($0) }
            .joined(separator: "/")
    }
}
