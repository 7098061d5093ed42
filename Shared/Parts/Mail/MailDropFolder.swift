import Foundation
import Logging
import NIOPosix
import Shared

/// The local stack's mailer: each message becomes a .eml file in a folder, for a developer to open
/// (or a test to read) instead of an inbox. Says so in its log, since nothing is delivered.
public struct MailDropFolder: Mailer {
    public let folder: URL
    let from: String
    let logger: Logger

    public init(folder: URL, from: String, logger: Logger) {
        self.folder = folder
        self.from = from
        self.logger = logger
    }

    public func send(_ message: MailMessage) async throws {
        try message.validate()
        let id = "\(UUIDv7.make().lowercasedText)@azora.local"
        let document = MIMEDocument.render(message, from: from, messageID: id, date: Date())
        let file = folder.appending(path: "\(Timestamp.format(Date()))-\(id.prefix(36)).eml")
        try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(document.utf8).write(to: file, options: .atomic)
        }
        logger.notice("mail not delivered, written to the local mail drop", metadata: ["file": "\(file.path)", "subject": "\(message.subject)"])
    }

    /// The messages written so far to `folder` for `recipient`, oldest first, as (subject, text body).
    public static func messages(in folder: URL, to recipient: String) throws -> [(subject: String, text: String)] {
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return try files.filter { $0.pathExtension == "eml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }.compactMap { file in
            let document = try String(contentsOf: file, encoding: .utf8)
            guard let split = document.range(of: "\r\n\r\n") else { return nil }
            let headers = document[..<split.lowerBound].components(separatedBy: "\r\n")
            guard headers.contains("To: \(recipient)") else { return nil }
            let subject = headers.first { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst(9)) } ?? ""
            var body = String(document[split.upperBound...])
            if let boundary = headers.first(where: { $0.contains("boundary=") })?.components(separatedBy: "boundary=\"").last?.dropLast() {
                // The text/plain part comes first in an alternative.
                body = body.components(separatedBy: "--\(boundary)")[1].components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
            }
            return (subject, MIMEDocument.decodeQuotedPrintable(body).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
