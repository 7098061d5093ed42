import Hummingbird

/// `GET /admin/events/dead-letters` and `POST /admin/events/dead-letters/replay`: an
/// administrator's view of the events this service's consumers gave up on, and the way to run
/// them again once the cause is fixed. Served by the service only; the gateway has no route here.
struct DeadLetterController: Sendable {
    let consumers: [EventConsumer]

    struct Letters: ResponseEncodable {
        let items: [DeadLetter]
    }

    struct Replayed: ResponseEncodable {
        let handled: Int
        let failed: Int
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("dead-letters") { _, context in
            _ = try context.requireRole(.admin)
            var letters: [DeadLetter] = []
            for consumer in consumers { letters += try await consumer.deadLetters() }
            return Letters(items: letters)
        }
        group.post("dead-letters/replay") { _, context in
            _ = try context.requireRole(.admin)
            var handled = 0
            var failed = 0
            for consumer in consumers {
                let result = try await consumer.replayDeadLetters()
                handled += result.handled
                failed += result.failed
            }
            return Replayed(handled: handled, failed: failed)
        }
    }
}
