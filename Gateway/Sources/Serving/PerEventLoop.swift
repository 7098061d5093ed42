import NIOCore

/// One value for each event loop of a group, made on its loop the first time it is asked for
/// there and used only there: the upstream connections and the Redis connection a loop's
/// client connections share, without a lock or a change of thread.
final class PerEventLoop<Value>: Sendable {
    private let boxes: [ObjectIdentifier: NIOLoopBoundBox<Value?>]
    private let make: @Sendable (any EventLoop) -> Value

    /// - Parameters:
    ///   - group: the loops that will ask.
    ///   - make: makes a loop's value, on that loop.
    init(group: any EventLoopGroup, make: @escaping @Sendable (any EventLoop) -> Value) {
        var boxes: [ObjectIdentifier: NIOLoopBoundBox<Value?>] = [:]
        for loop in group.makeIterator() {
            boxes[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeEmptyBox(valueType: Value.self, eventLoop: loop)
        }
        self.boxes = boxes
        self.make = make
    }

    /// The value of the loop the caller runs on.
    func value(on loop: any EventLoop) -> Value {
        guard let box = boxes[ObjectIdentifier(loop)] else {
            preconditionFailure("\(loop) is not a loop of the group the gateway was built for")
        }
        if let value = box.value { return value }
        let value = make(loop)
        box.value = value
        return value
    }

    /// Runs `body` on each loop with that loop's value, if it was ever made, and waits for all.
    func forEachMade(_ body: @escaping @Sendable (Value) -> EventLoopFuture<Void>) async {
        for box in boxes.values {
            try? await box.eventLoop.flatSubmit {
                box.value.map(body) ?? box.eventLoop.makeSucceededVoidFuture()
            }.get()
        }
    }
}
