import Foundation
import Hummingbird
import NIOCore
import Shared

/// Certificates: the holder reads and downloads theirs, anyone verifies one, administrators
/// revoke them. The key set and both verifications are public routes (the gateway lets them through
/// without a token).
struct CertificateRoutes: Sendable {
    let book: CertificateBook

    /// `POST /certificates/verify`.
    struct Presented: Decodable, Sendable {
        let credential: String?
    }

    /// `POST /certificates/{id}/revoke`.
    struct Revocation: Decodable, Sendable {
        let reason: String?
    }

    func add(to router: Router<AppRequestContext>, signedIn group: RouterGroup<AppRequestContext>) {
        router.get("/.well-known/certificate-keys.json") { request, context in
            var response = try WireJSONEncoder().encode(book.signer.keySet, from: request, context: context)
            response.headers[.cacheControl] = "public, max-age=300"
            return response
        }

        router.get("/certificates/:id/verify") { _, context in
            let id = try context.parameters.require("id", as: UUID.self)
            guard let certificate = try await book.certificate(id) else {
                return Verification(status: .unknown, reason: "no certificate with this id was issued here")
            }
            return Verification(certificate, verifyURL: book.verifyURL(id))
        }

        router.post("/certificates/verify") { request, context in
            let presented = try await request.decode(as: Presented.self, context: context)
            guard let token = presented.credential?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
                throw Problem.invalid("credential", "is required: the certificate's credential (a compact JWS)")
            }
            guard token.utf8.count <= 64 << 10 else { throw Problem.invalid("credential", "must be at most 64 KiB") }
            return try await book.check(credential: token)
        }

        group.get("/certificates") { request, context in
            let principal = try context.requirePrincipal()
            var holder = try request.queryUUID("userId")
            if !(principal.isAdmin || principal.isService) {
                let userId = try context.requireUser().userId
                if let holder, holder != userId { throw Problem.forbidden("you may list only your own certificates") }
                holder = userId
            }
            guard let holder else { throw Problem.malformed("userId is required", field: "userId") }
            let page = try PageRequest(request, defaultLimit: 20, maxLimit: 100)
            let certificates = try await book.certificates(
                of: holder, after: try page.decodeCursor(CertificateCursor.self), limit: page.limit)
            return Page(items: certificates.map(view), limit: page.limit) { CertificateCursor(issuedAt: $0.issuedAt, id: $0.id) }
        }

        group.get("/certificates/:id") { _, context in
            view(try readable(try await book.certificate(try context.parameters.require("id", as: UUID.self)), context))
        }

        group.get("/certificates/:id/pdf") { _, context in
            pdf(try readable(try await book.certificate(try context.parameters.require("id", as: UUID.self)), context))
        }

        // The enrollment's certificate as JSON, or as the PDF for `Accept: application/pdf` or `?format=pdf`.
        group.get("/enrollments/:id/certificate") { request, context in
            let enrollmentId = try context.parameters.require("id", as: UUID.self)
            guard let certificate = try await book.certificate(enrollmentId: enrollmentId) else {
                throw Problem(.notFound, code: "certificate_not_issued",
                              detail: "no certificate has been issued for enrollment \(enrollmentId.lowercasedText); one is issued when it is completed")
            }
            let readable = try readable(certificate, context)
            let wantsPDF = request.query("format") == "pdf" || (request.headers[.accept] ?? "").contains("application/pdf")
            return wantsPDF ? pdf(readable) : try WireJSONEncoder().encode(view(readable), from: request, context: context)
        }

        group.post("/certificates/:id/revoke") { request, context in
            _ = try context.requireRole(.admin)
            let revocation = try await request.decode(as: Revocation.self, context: context)
            guard let reason = revocation.reason?.trimmingCharacters(in: .whitespacesAndNewlines), (1...500).contains(reason.count) else {
                throw Problem.invalid("reason", "is required, 1 to 500 characters")
            }
            return view(try await book.revoke(try context.parameters.require("id", as: UUID.self), reason: reason))
        }
    }

    /// The certificate when the caller is its holder, an administrator or a service.
    private func readable(_ certificate: Certificate?, _ context: AppRequestContext) throws -> Certificate {
        guard let certificate else { throw Problem(.notFound, code: "not_found", detail: "no such certificate") }
        let principal = try context.requirePrincipal()
        guard principal.isAdmin || principal.isService || principal.userId == certificate.userId else {
            throw Problem.forbidden("only the certificate's holder or an administrator may read it; anyone may verify it")
        }
        return certificate
    }

    private func view(_ certificate: Certificate) -> CertificateView {
        CertificateView(certificate, verifyURL: book.verifyURL(certificate.id),
                        keysURL: "\(book.settings.issuerURL)/.well-known/certificate-keys.json")
    }

    private func pdf(_ certificate: Certificate) -> Response {
        let document = CertificateDocument.pdf(certificate, issuerName: book.settings.issuerName, verifyURL: book.verifyURL(certificate.id))
        return Response(
            status: .ok,
            headers: [.contentType: "application/pdf",
                      .contentDisposition: "inline; filename=\"certificate-\(certificate.id.lowercasedText).pdf\""],
            body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }
}

extension CredentialSigner.JWKSDocument: ResponseEncodable {}
extension Verification: ResponseEncodable {}
