import TestSupport
import Testing

/// The tests' authenticator agrees with RFC 6238's published vectors, so a refused code in an
/// end-to-end test is the server's doing.
@Suite struct TOTPTests {
    @Test func rfc6238VectorsForSHA1() {
        let key = Array("12345678901234567890".utf8)
        #expect(TOTP.code(key: key, step: 59 / 30, digits: 8) == "94287082")
        #expect(TOTP.code(key: key, step: 1111111109 / 30, digits: 8) == "07081804")
        #expect(TOTP.code(key: key, step: 1234567890 / 30, digits: 8) == "89005924")
        #expect(TOTP.code(key: key, step: 20000000000 / 30, digits: 8) == "65353130")
    }

    @Test func base32DecodesTheRFC4648Vectors() {
        #expect(TOTP.base32Decode("MZXW6YTBOI======") == Array("foobar".utf8))
        #expect(TOTP.base32Decode("gezdgnbvgy3tqojqgezdgnbvgy3tqojq") == Array("12345678901234567890".utf8))
    }
}
