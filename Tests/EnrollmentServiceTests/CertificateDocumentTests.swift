import Crypto
import Foundation
import JWTKit
import Shared
import Testing

@testable import EnrollmentService

/// The certificate's two forms without a server: the PDF a person opens and the credential a
/// machine verifies.
@Suite struct CertificateDocumentTests {
    static func certificate(name: String = "Zoë Ångström", title: String = "Swift on the Server (part 1) \\ the basics") -> Certificate {
        Certificate(id: UUIDv7.make(), enrollmentId: UUID(), userId: UUID(), courseId: UUID(), learnerName: name, courseTitle: title,
                    completedAt: Date(timeIntervalSince1970: 1_795_000_000), issuedAt: Date(timeIntervalSince1970: 1_795_000_100),
                    keyId: "k", credential: "")
    }

    static func settings(retired: [P256.Signing.PublicKey] = [], key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) throws
        -> CertificateSettings
    {
        try CertificateSettings(settings: Settings.values([
            "CERTIFICATE_SIGNING_KEY": key.rawRepresentation.base64URLEncodedString(),
            "CERTIFICATE_RETIRED_KEYS": retired.map { $0.rawRepresentation.base64URLEncodedString() }.joined(separator: ","),
            "CERTIFICATE_ISSUER_URL": "https://learn.azora.test/",
        ]))
    }

    /// poppler's pdftotext reads the learner's name and the course title, and finds nothing to
    /// repair on the way (it reports a broken cross-reference table on standard error).
    @Test func thePDFOpensInAStandardReaderAndShowsTheNameAndTheCourse() throws {
        let certificate = Self.certificate()
        let pdf = CertificateDocument.pdf(certificate, issuerName: "Azora", verifyURL: "https://learn.azora.test/certificates/x/verify")
        #expect(pdf.starts(with: Data("%PDF-1.7".utf8)))
        let file = FileManager.default.temporaryDirectory.appending(path: "certificate-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (text, errors) = try Self.run("/usr/bin/pdftotext", [file.path, "-"])
        #expect(errors.isEmpty, "pdftotext complained: \(errors)")
        #expect(text.contains("Certificate of Completion"))
        #expect(text.contains("Zoë Ångström"))
        #expect(text.contains("Swift on the Server (part 1) \\ the basics"))
        #expect(text.contains("Verify at https://learn.azora.test/certificates/x/verify"))
    }

    /// A title far wider than the page is set smaller, not cut off.
    @Test func aVeryLongTitleStaysOnThePage() throws {
        let title = String(repeating: "Distributed systems ", count: 12).trimmingCharacters(in: .whitespaces)
        let pdf = CertificateDocument.pdf(Self.certificate(title: title), issuerName: "Azora", verifyURL: "https://x.test/v")
        let file = FileManager.default.temporaryDirectory.appending(path: "certificate-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (text, _) = try Self.run("/usr/bin/pdftotext", ["-nopgbrk", file.path, "-"])
        #expect(text.replacingOccurrences(of: "\n", with: " ").contains(title))
        let content = String(decoding: pdf, as: UTF8.self)
        let sizes = content.matches(of: /\/F2 ([0-9.]+) Tf ([0-9.]+)/).map { (Double($0.1)!, Double($0.2)!) }
        #expect(sizes.allSatisfy { $0.1 >= 48 }, "every line starts inside the margin: \(sizes)")
    }

    /// The credential is an Open Badges 3.0 OpenBadgeCredential as a VC-JWT, which a third party
    /// verifies with nothing but the published key set.
    @Test func theCredentialVerifiesOfflineWithThePublishedKeySet() async throws {
        let settings = try Self.settings()
        let signer = try await CredentialSigner(settings: settings)
        let certificate = Self.certificate()
        let token = try await signer.sign(OpenBadgeCredential(certificate: certificate, issuerURL: settings.issuerURL, issuerName: "Azora"))

        // A verifier elsewhere: only the JWKS document and a JWT library.
        let jwks = String(decoding: try JSONEncoder().encode(signer.keySet), as: UTF8.self)
        let verifier = try await JWTKeyCollection().add(jwksJSON: jwks)
        let credential = try await verifier.verify(token, as: OpenBadgeCredential.self)
        #expect(credential.certificateId == certificate.id)

        let header = try Self.json(part: 0, of: token), payload = try Self.json(part: 1, of: token)
        #expect(header["alg"] as? String == "ES256" && header["kid"] as? String == signer.keyId)
        #expect(payload["@context"] as? [String] == OpenBadgeCredential.contexts)
        #expect(payload["type"] as? [String] == ["VerifiableCredential", "OpenBadgeCredential"])
        #expect(payload["iss"] as? String == "https://learn.azora.test")
        #expect(payload["jti"] as? String == "urn:uuid:\(certificate.id.lowercasedText)")
        #expect(payload["sub"] as? String == "urn:uuid:\(certificate.userId.lowercasedText)")
        #expect(payload["nbf"] as? Int == 1_795_000_100)
        let subject = try #require(payload["credentialSubject"] as? [String: Any])
        let achievement = try #require(subject["achievement"] as? [String: Any])
        #expect(achievement["name"] as? String == certificate.courseTitle)
        #expect((subject["identifier"] as? [[String: Any]])?.first?["identityHash"] as? String == "Zoë Ångström")
    }

    /// Changing one letter of the name inside a signed credential breaks it, for us and for
    /// anyone else; so does a credential signed by a key we never published.
    @Test func aTamperedOrForeignCredentialFails() async throws {
        let settings = try Self.settings()
        let signer = try await CredentialSigner(settings: settings)
        let token = try await signer.sign(OpenBadgeCredential(certificate: Self.certificate(), issuerURL: settings.issuerURL, issuerName: "Azora"))
        let tampered = try Self.replacing("Zoë Ångström", with: "Zoe Angstrom", in: token)
        await #expect(throws: (any Error).self) { try await signer.verify(tampered) }
        let verifier = try await JWTKeyCollection().add(jwksJSON: String(decoding: try JSONEncoder().encode(signer.keySet), as: UTF8.self))
        await #expect(throws: (any Error).self) { try await verifier.verify(tampered, as: OpenBadgeCredential.self) }

        let foreign = try await CredentialSigner(settings: try Self.settings())
        let forged = try await foreign.sign(OpenBadgeCredential(certificate: Self.certificate(), issuerURL: settings.issuerURL, issuerName: "Azora"))
        await #expect(throws: (any Error).self) { try await signer.verify(forged) }
    }

    /// After a key rotation the old key is still published, and what it signed still verifies.
    @Test func aRetiredKeyStillVerifiesWhatItSigned() async throws {
        let old = P256.Signing.PrivateKey()
        let before = try await CredentialSigner(settings: try Self.settings(key: old))
        let token = try await before.sign(OpenBadgeCredential(certificate: Self.certificate(), issuerURL: "https://learn.azora.test", issuerName: "Azora"))
        let after = try await CredentialSigner(settings: try Self.settings(retired: [old.publicKey]))
        #expect(after.keySet.keys.map(\.kid) == [after.keyId, before.keyId])
        #expect(try await after.verify(token).name == Self.certificate().courseTitle)
    }

    @Test func aMalformedSigningKeyStopsTheServiceAtStart() {
        #expect(throws: SettingsError.self) {
            try CertificateSettings(settings: Settings.values(["CERTIFICATE_SIGNING_KEY": "too-short"]))
        }
        #expect(throws: SettingsError.missing("CERTIFICATE_SIGNING_KEY")) {
            try CertificateSettings(settings: Settings.values([:]))
        }
    }

    static func json(part: Int, of token: String) throws -> [String: Any] {
        let segment = try #require(Data(base64URLEncoded: String(token.split(separator: ".")[part])))
        return try #require(try JSONSerialization.jsonObject(with: segment) as? [String: Any])
    }

    /// The token with its payload's text changed and the original signature kept.
    static func replacing(_ old: String, with new: String, in token: String) throws -> String {
        let parts = token.split(separator: ".").map(String.init)
        let payload = String(decoding: try #require(Data(base64URLEncoded: parts[1])), as: UTF8.self)
        #expect(payload.contains(old))
        return [parts[0], Data(payload.replacingOccurrences(of: old, with: new).utf8).base64URLEncodedString(), parts[2]].joined(separator: ".")
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        let complaints = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: text, as: UTF8.self), String(decoding: complaints, as: UTF8.self))
    }
}
