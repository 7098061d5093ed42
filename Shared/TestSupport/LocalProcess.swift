import Foundation

/// Runs programs the tests need (PostgreSQL's tools, redis-server, the fleet's executables).
enum LocalProcess {
    /// Runs a program to completion.
    /// - Parameter asPostgres: run it as the `postgres` user when the tests run as root,
    ///   because PostgreSQL refuses to run as root.
    /// - Returns: what it printed.
    /// - Throws: when it exits with a failure.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], asPostgres: Bool = false) throws -> String {
        // Output goes to a file, and the exit is awaited with waitpid: a server the program
        // starts in the background (as `pg_ctl start` does) inherits its descriptors, which makes
        // pipe readers and Foundation's `Process` wait for the server instead of the program.
        let outputPath = FileManager.default.temporaryDirectory.appending(path: "azora-process-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let pid = try spawn(executable, arguments, outputPath: outputPath, asPostgres: asPostgres)
        let status = wait(for: pid)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED && WEXITSTATUS == 0, spelled out because the C macros are not imported.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw LocalProcessError(command: ([executable] + arguments).joined(separator: " "), output: text)
        }
        return text
    }

    /// Starts a program in the background with its output going to a file.
    /// - Returns: its process id, for `wait(for:)` and `kill`.
    static func spawn(
        _ executable: String, _ arguments: [String], outputPath: String, asPostgres: Bool = false,
        environment: [String: String]? = nil
    ) throws -> pid_t {
        let (path, args) = command(executable, arguments, asPostgres: asPostgres)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Nothing else of the test runner's: an inherited listening socket would keep a stopped
        // test server's port open in the child, and connections to it would hang unanswered.
        closeInheritedDescriptors(&actions)
        // The test runner's threads block some signals; the child starts with none blocked and
        // default handlers, so that SIGTERM stops it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { variables in
            variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = envp.map { envp in
            envp.withUnsafeBufferPointer { posix_spawnp(&pid, path, &actions, &attributes, argv, $0.baseAddress) }
        } ?? posix_spawnp(&pid, path, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw LocalProcessError(command: path, output: String(cString: strerror(spawned)))
        }
        return pid
    }

    /// Adds "close every descriptor from 3 up" to the spawn's actions. glibc (2.34+) has that as
    /// one action, which Swift's Glibc module does not show, so it is looked up by name; without
    /// it each descriptor open now is closed one by one.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// Waits until a spawned program exits and returns its raw wait status.
    @discardableResult
    static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }

    /// The program and arguments to start, wrapped in `runuser` when it must run as `postgres`.
    static func command(_ executable: String, _ arguments: [String], asPostgres: Bool) -> (String, [String]) {
        if asPostgres && getuid() == 0 {
            return ("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
        }
        return (executable, arguments)
    }

    /// A TCP port for a server in another process (see `FreePorts`).
    static func freePort() throws -> Int {
        try FreePorts.take()
    }
}

/// A program the tests needed failed.
struct LocalProcessError: Error, CustomStringConvertible {
    let command: String
    let output: String
    var description: String { "`\(command)` failed: \(output)" }
}
