import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

extension ApplicationProtocol {
    /// Runs `test` against the application on a real socket, as `test(.live)` does, except that
    /// a failed start-up (a migration or other work before the server listens) fails the test
    /// with its error. `test(.live)` alone waits forever for a server that never listens.
    public func testLive<Value: Sendable>(
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let reporting = StartupReportingApplication(base: self)
        return try await reporting.test(.live) { client in
            if let failure = reporting.failure.withLock({ $0 }) {
                throw HarnessError("the application did not start: \(failure)")
            }
            return try await test(client)
        }
    }
}

/// The application under test with its start-up work caught: the error is kept and the server
/// listens anyway (its background services stay held back), so that the test can report it.
private struct StartupReportingApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Base.Responder

    let base: Base
    let failure = SharedFailure()

    var responder: Responder { get async throws { try await base.responder } }
    var server: HTTPServerBuilder { base.server }
    var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    var configuration: ApplicationConfiguration { base.configuration }
    var logger: Logger { base.logger }
    var services: [any Service] { base.services }

    @Sendable func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
    }

    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] {
        let work = base.processesRunBeforeServerStart
        let failure = failure
        return [{
            do {
                for process in work { try await process() }
            } catch {
                failure.withLock { $0 = error }
            }
        }]
    }
}

/// The start-up error, shared between the application's copies (it is a value type).
private final class SharedFailure: Sendable {
    private let error = Mutex<(any Error)?>(nil)

    func withLock<T>(_ body: (inout (any Error)?) -> T) -> T {
        error.withLock { body(&$0) }
    }
}
