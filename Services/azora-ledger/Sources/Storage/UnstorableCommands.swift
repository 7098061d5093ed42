import Shared

/// PostgreSQL refused to store a value that one of the commands holds (a data exception,
/// SQLSTATE class 22, or a check the row fails, 23502/23514): the statement writing them failed
/// and nothing was written. Thrown by `PostingWriter.apply`; the group committer splits its
/// group to find the command at fault, a batch or a conversion is refused whole.
///
/// Text PostgreSQL refuses is NUL (U+0000), which no `text` or `jsonb` value may hold (22P05);
/// every other field of an order is checked before it gets here, so a NUL in its metadata is
/// where such a refusal comes from.
struct UnstorableCommands: Error, Sendable {
    /// PostgreSQL's words: its detail line when it gave one (`\u0000 cannot be converted to text.`).
    let reason: String

    init?(_ error: PostgresError) {
        guard let state = error.sqlState, state.hasPrefix("22") || state == "23502" || state == "23514" else { return nil }
        reason = error.detail ?? error.message
    }

    /// The 422 for the orders, naming each field that holds a NUL (under `prefix(index)`), or
    /// `fallback` when none does.
    func problem(_ orders: [TransferOrder], prefix: (Int) -> String = { _ in "" }, fallback: String) -> Problem {
        var fields: [String] = []
        for (index, order) in orders.enumerated() {
            for field in order.fieldsHoldingNUL() where !fields.contains(prefix(index) + field) { fields.append(prefix(index) + field) }
        }
        let message = "holds a value PostgreSQL cannot store (\(reason))"
        return Problem.invalid((fields.isEmpty ? [fallback] : fields).map { FieldError(field: $0, message: message) })
    }
}
