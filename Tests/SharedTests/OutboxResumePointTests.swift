import Testing

@testable import Shared

@Suite struct OutboxResumePointTests {
    @Test func fullRoundsResumeAndAShortRoundOrALongRunStartsFromTheTop() {
        var point = OutboxResumePoint()
        #expect(point.after == 0)
        point.roundEnded(full: true, lastPosition: 500)
        #expect(point.after == 500)
        point.roundEnded(full: true, lastPosition: 1000)
        #expect(point.after == 1000)
        point.roundEnded(full: false, lastPosition: 1200)
        #expect(point.after == 0, "a short round means the outbox is drained past here: look again from the top")

        for round in 1...OutboxResumePoint.sweepEvery - 1 {
            point.roundEnded(full: true, lastPosition: Int64(round * 500))
            #expect(point.after == Int64(round * 500))
        }
        point.roundEnded(full: true, lastPosition: 99_999)
        #expect(point.after == 0, "a long run of full rounds still sweeps from the top now and then")
        point.roundEnded(full: true, lastPosition: 100_500)
        #expect(point.after == 100_500)
    }
}
