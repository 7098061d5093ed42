import CCurl
import Foundation
import Logging
import NIOPosix
import Shared

/// Sends mail over SMTP through libcurl, which upgrades to TLS with STARTTLS whenever the server
/// offers it and logs in when the URL carries a user. Each message is one SMTP session; libcurl
/// blocks, so it runs on the thread pool, never on an event loop.
public struct SMTPMailer: Mailer {
    let url: URL
    let from: String
    let timeout: Duration
    let logger: Logger

    /// - Parameters:
    ///   - url: `smtp://[user:password@]host:port`.
    ///   - from: the sender, `Name <address>` or a bare address.
    public init(url: URL, from: String, timeout: Duration = .seconds(30), logger: Logger) throws(SettingsError) {
        guard url.scheme == "smtp", url.host != nil else {
            throw .malformed("SMTP_URL", nil, expected: "smtp://[user:password@]host:port")
        }
        self.url = url
        self.from = from
        self.timeout = timeout
        self.logger = logger
    }

    public func send(_ message: MailMessage) async throws {
        try message.validate()
        let id = "\(UUIDv7.make().lowercasedText)@\(Self.domain(of: from))"
        let document = MIMEDocument.render(message, from: from, messageID: id, date: Date())
        let session = SMTPSession(url: url, sender: Self.address(in: from), recipient: message.to, timeout: timeout)
        try await NIOThreadPool.singleton.runIfActive { try session.deliver(Data(document.utf8)) }
        logger.info("mail sent", metadata: ["messageId": "\(id)"])
    }

    /// The bare address in `Name <address>`, or the text itself.
    static func address(in sender: String) -> String {
        guard let open = sender.lastIndex(of: "<"), let close = sender.lastIndex(of: ">"), open < close else { return sender }
        return String(sender[sender.index(after: open)..<close])
    }

    static func domain(of sender: String) -> String {
        address(in: sender).split(separator: "@").last.map(String.init) ?? "localhost"
    }
}

/// The error of a message the mail server did not take.
public struct MailDeliveryError: Error, CustomStringConvertible {
    public let description: String
}

extension MailMessage {
    /// Refuses a recipient or subject that could smuggle in headers, or a recipient that is not an address.
    func validate() throws {
        // By scalar: "\r\n" is one Character in Swift, equal to neither "\r" nor "\n".
        let oneLine = { (text: String) in !text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" } }
        guard oneLine(to), oneLine(subject), to.contains("@") else {
            throw MailDeliveryError(description: "refused to send: the recipient or subject is not a single line, or the recipient is not an address")
        }
    }
}

/// One blocking SMTP transaction through a libcurl easy handle.
private struct SMTPSession: Sendable {
    let url: URL
    let sender: String
    let recipient: String
    let timeout: Duration

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    func deliver(_ document: Data) throws {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { throw MailDeliveryError(description: "libcurl could not start a session") }
        defer { curl_easy_cleanup(handle) }
        let recipients = curl_slist_append(nil, "<\(recipient)>")
        defer { curl_slist_free_all(recipients) }
        let upload = Upload(data: document)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }

        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let user = components?.user?.removingPercentEncoding
        let password = components?.password?.removingPercentEncoding
        components?.user = nil
        components?.password = nil
        let milliseconds = Int(timeout.components.seconds * 1000)

        var code = azora_curl_set_string(handle, CURLOPT_URL, components?.string ?? url.absoluteString)
        code = code == CURLE_OK ? azora_curl_set_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue)) : code
        code = code == CURLE_OK ? azora_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(sender)>") : code
        code = code == CURLE_OK ? azora_curl_set_pointer(handle, CURLOPT_MAIL_RCPT, recipients) : code
        code = code == CURLE_OK ? azora_curl_set_long(handle, CURLOPT_UPLOAD, 1) : code
        code = code == CURLE_OK ? azora_curl_set_long(handle, CURLOPT_TIMEOUT_MS, milliseconds) : code
        code = code == CURLE_OK ? azora_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, 10_000)) : code
        code = code == CURLE_OK ? azora_curl_set_long(handle, CURLOPT_NOSIGNAL, 1) : code
        code = code == CURLE_OK ? azora_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer) : code
        if let user, code == CURLE_OK {
            code = azora_curl_set_string(handle, CURLOPT_USERNAME, user)
            // The credentials ride on the AUTH command itself (RFC 4954 initial response).
            code = code == CURLE_OK ? azora_curl_set_long(handle, CURLOPT_SASL_IR, 1) : code
            code = code == CURLE_OK ? azora_curl_set_string(handle, CURLOPT_PASSWORD, password ?? "") : code
        }
        let unmanaged = Unmanaged.passRetained(upload)
        defer { unmanaged.release() }
        code = code == CURLE_OK ? azora_curl_set_pointer(handle, CURLOPT_READDATA, unmanaged.toOpaque()) : code
        code = code == CURLE_OK ? azora_curl_set_read_function(handle, Upload.read) : code
        code = code == CURLE_OK ? curl_easy_perform(handle) : code
        guard code == CURLE_OK else {
            let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            throw MailDeliveryError(description: "SMTP delivery failed: \(detail)")
        }
    }
}

/// The message bytes libcurl reads as it sends DATA.
private final class Upload {
    let data: Data
    var offset = 0

    init(data: Data) { self.data = data }

    static let read: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
        let length = min(size * count, upload.data.count - upload.offset)
        guard length > 0 else { return 0 }
        upload.data.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + upload.offset, byteCount: length)
        }
        upload.offset += length
        return length
    }
}
