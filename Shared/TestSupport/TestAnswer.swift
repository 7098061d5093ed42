import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1

/// A service's answer as tests read it: status, headers, and the JSON body picked apart.
public struct TestAnswer: Sendable {
    public let status: HTTPResponse.Status
    public let headers: HTTPFields
    public let body: Data

    public init(status: HTTPResponse.Status, headers: HTTPFields, body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    public subscript(_ key: String) -> String? { json[key] as? String }
    public func int(_ key: String) -> Int64? { (json[key] as? NSNumber)?.int64Value }
    public func uuid(_ key: String) -> UUID? { self[key].flatMap(UUID.init(uuidString:)) }
    /// The problem document's slug.
    public var code: String? { json["code"] as? String }
    /// The fields a problem document names.
    public var fields: [String] { (json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? [] }
    public var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    public var text: String { String(decoding: body, as: UTF8.self) }
}

extension TestClientProtocol {
    /// Sends a request with an optional JSON body and bearer token.
    public func send(_ method: HTTPRequest.Method, _ path: String, json body: Any? = nil, token: String? = nil) async throws -> TestAnswer {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
        }
        let response = try await execute(uri: path, method: method, headers: headers, body: buffer)
        return TestAnswer(status: response.status, headers: response.headers, body: Data(buffer: response.body))
    }

    /// Many requests at once, each on a connection of its own (the test client has only one),
    /// answers in the order of the requests. `onAnswer` sees each answer as it arrives, for tests
    /// that must act once some have been decided.
    public func sendConcurrently(_ requests: [(HTTPRequest.Method, String, Any?)], token: String,
                                 onAnswer: @escaping @Sendable (TestAnswer) -> Void = { _ in }) async throws -> [TestAnswer] {
        try await sendConcurrently(requests.map { ($0.0, $0.1, $0.2, token) }, onAnswer: onAnswer)
    }

    /// Many requests at once, each with its own bearer token (none when `nil`).
    public func sendConcurrently(_ requests: [(HTTPRequest.Method, String, Any?, String?)],
                                 onAnswer: @escaping @Sendable (TestAnswer) -> Void = { _ in }) async throws -> [TestAnswer] {
        guard let port else { throw HarnessError("the test client has no port: run the application with .live") }
        let bodies = try requests.map { method, path, body, token in
            (method, path, try body.map { try JSONSerialization.data(withJSONObject: $0) }, token)
        }
        return try await withThrowingTaskGroup(of: (Int, TestAnswer).self) { group in
            for (index, (method, path, body, token)) in bodies.enumerated() {
                group.addTask {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                    request.method = .init(rawValue: method.rawValue)
                    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                    if let body {
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(data: body))
                    }
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                    let data = Data(buffer: try await response.body.collect(upTo: 1 << 24))
                    let answer = TestAnswer(status: .init(code: Int(response.status.code)), headers: [:], body: data)
                    onAnswer(answer)
                    return (index, answer)
                }
            }
            var answers = [TestAnswer?](repeating: nil, count: bodies.count)
            for try await (index, answer) in group { answers[index] = answer }
            return answers.compactMap { $0 }
        }
    }
}
