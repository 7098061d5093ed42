import Foundation
import Shared

/// The printable certificate: who completed which course, when, and where to check it.
enum CertificateDocument {
    static func pdf(_ certificate: Certificate, issuerName: String, verifyURL: String) -> Data {
        let date = DateFormatter()
        date.locale = Locale(identifier: "en_US_POSIX")
        date.timeZone = TimeZone(identifier: "UTC")
        date.dateFormat = "d MMMM yyyy"
        var page = PDFPage(title: "Certificate of Completion: \(certificate.courseTitle)")
        page.frames = [PDFPage.Frame(inset: 24, width: 3), PDFPage.Frame(inset: 32, width: 0.75)]
        page.lines = [
            .init(text: issuerName.uppercased(), font: .bold, size: 14, baseline: 500),
            .init(text: "Certificate of Completion", font: .bold, size: 34, baseline: 440),
            .init(text: "This certifies that", font: .regular, size: 14, baseline: 385),
            .init(text: certificate.learnerName, font: .bold, size: 30, baseline: 340),
            .init(text: "has completed the course", font: .regular, size: 14, baseline: 295),
            .init(text: certificate.courseTitle, font: .bold, size: 22, baseline: 255),
            .init(text: "on \(date.string(from: certificate.completedAt))", font: .regular, size: 14, baseline: 215),
            .init(text: "Certificate \(certificate.id.lowercasedText)", font: .regular, size: 10, baseline: 110),
            .init(text: "Verify at \(verifyURL)", font: .regular, size: 10, baseline: 94),
        ]
        return page.render(createdAt: certificate.issuedAt)
    }
}
