/// One server-sent event: its `event:` name (nil for the default) and its `data:` lines joined
/// with newlines.
struct ServerSentEvent: Sendable, Equatable {
    var name: String?
    var data: String
}
