import PasswordHashing
import Testing

@Suite struct PasswordHasherTests {
    @Test func aHashVerifiesItsPasswordOnlyAndIsSaltedEachTime() async throws {
        let hasher = PasswordHasher()
        let first = try await hasher.hash("correct horse battery staple")
        let second = try await hasher.hash("correct horse battery staple")
        #expect(first.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(first != second)
        #expect(try await hasher.verify("correct horse battery staple", against: first))
        #expect(try await !hasher.verify("correct horse battery stapler", against: first))
        #expect(try await !hasher.verify("anything", against: "not a hash"))
    }

    @Test func aHashMadeWithOtherParametersStillVerifies() async throws {
        let old = try await PasswordHasher(memoryKiB: 8 * 1024, iterations: 1).hash("ünïcødé pässwörd 🔑")
        #expect(try await PasswordHasher().verify("ünïcødé pässwörd 🔑", against: old))
    }
}
