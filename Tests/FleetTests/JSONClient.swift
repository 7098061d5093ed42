import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Shared
import TestSupport

/// A small HTTP client for end-to-end tests: JSON in, status and JSON (or bytes) out.
struct JSONClient: Sendable {
    let baseURL: String

    struct Answer: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        subscript(_ key: String) -> String? { json[key] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func send(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil, token: String? = nil,
              body: Data? = nil, contentType: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        } else if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/octet-stream")
            request.body = .bytes(ByteBuffer(data: body))
        }
        // A failed exchange names its request: a journey makes dozens, all on one line of the test.
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let bytes = try await response.body.collect(upTo: 32 << 20)
            return Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
        } catch {
            throw HarnessError("\(method) \(path) failed: \(error)")
        }
    }

    /// Repeats a request until its answer satisfies `done` (for effects that travel by event).
    func eventually(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil, token: String? = nil,
                    timeout: Duration = .seconds(15), until done: (Answer) -> Bool) async throws -> Answer {
        let deadline = ContinuousClock.now + timeout
        while true {
            let answer = try await send(method, path, json: json, token: token)
            if done(answer) || ContinuousClock.now > deadline { return answer }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
