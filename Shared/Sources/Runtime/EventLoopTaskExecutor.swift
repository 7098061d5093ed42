import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// A request served on its connection's event loop never changes threads between reading the
/// request, the handler's work and writing the answer: each change of thread is a wake-up of
/// another thread (tens of microseconds on a busy machine), and a proxied call made several.
/// Work that blocks (libpq, hiredis, bcrypt, files) already runs in thread pools, never here.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
