/// Where a relay's next round starts looking in the outbox.
///
/// The rows a round deletes leave their index entries behind until vacuum removes them, and
/// while any snapshot older than the deletion is open (a long batch of transfers, say) a scan
/// cannot even skip them cheaply. Rounds that all started from the top of the index therefore
/// walked over everything already moved: a backlog cost its square. So while rounds come back
/// full, the next one resumes past the last row moved. It starts from the top again when a
/// round comes back short (the outbox is drained) and after `sweepEvery` full rounds in a row,
/// to pick up rows that were written before the resume point but committed after it.
struct OutboxResumePoint: Sendable, Equatable {
    /// How many full rounds in a row may resume before one starts from the top again: a row
    /// committed late waits at most this many rounds behind a backlog.
    static let sweepEvery = 20

    /// The next round takes rows with a position above this.
    private(set) var after: Int64 = 0
    private var fullRoundsInARow = 0

    /// Notes how a round ended: whether it moved as many rows as it could, and the position of
    /// the last one it moved.
    mutating func roundEnded(full: Bool, lastPosition: Int64) {
        fullRoundsInARow = full ? fullRoundsInARow + 1 : 0
        if full && fullRoundsInARow < Self.sweepEvery {
            after = lastPosition
        } else {
            self = OutboxResumePoint()
        }
    }
}
