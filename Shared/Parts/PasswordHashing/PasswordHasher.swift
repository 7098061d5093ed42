import CArgon2
import Foundation
import NIOPosix

/// Password hashes with argon2id, in the PHC string format (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`),
/// so the parameters travel with each hash and can be raised later without breaking old ones.
///
/// Hashing is deliberately slow and memory-hungry; it runs on the thread pool, never on an event loop.
public struct PasswordHasher: Sendable {
    /// Memory in KiB, iterations and lanes: OWASP's argon2id recommendation (19 MiB, 2, 1).
    public let memoryKiB: UInt32
    public let iterations: UInt32
    public let parallelism: UInt32

    public init(memoryKiB: UInt32 = 19 * 1024, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// A new salted hash of the password.
    public func hash(_ password: String) async throws -> String {
        let (memory, iterations, parallelism) = (memoryKiB, self.iterations, self.parallelism)
        return try await NIOThreadPool.singleton.runIfActive {
            var salt = [UInt8](repeating: 0, count: 16)
            var generator = SystemRandomNumberGenerator()
            for index in salt.indices { salt[index] = generator.next() }
            let password = Array(password.utf8)
            let length = argon2_encodedlen(iterations, memory, parallelism, UInt32(salt.count), 32, Argon2_id)
            var encoded = [UInt8](repeating: 0, count: length)
            let status = argon2id_hash_encoded(iterations, memory, parallelism, password, password.count,
                                               salt, salt.count, 32, &encoded, length)
            guard status == ARGON2_OK.rawValue else {
                throw PasswordHashError(message: String(cString: argon2_error_message(status)))
            }
            return String(decoding: encoded.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Whether the password matches the encoded hash (compared in constant time by libargon2).
    public func verify(_ password: String, against encoded: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            let password = Array(password.utf8)
            return argon2id_verify(encoded, password, password.count) == ARGON2_OK.rawValue
        }
    }
}

/// libargon2 refused to hash (out of memory, or parameters out of range).
public struct PasswordHashError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "argon2: \(message)" }
}
