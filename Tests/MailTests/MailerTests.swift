import Foundation
import Logging
import Mail
import NIOCore
import NIOPosix
import Shared
import Synchronization
import TestSupport
import Testing

/// Outgoing mail: SMTP through the real client against a local SMTP server that records the
/// conversation, and the local .eml drop folder.
@Suite struct MailerTests {
    static let logger = TestLogger.make("mail")

    @Test func smtpDeliversTheMessageWithTheExactEnvelopeAndALogin() async throws {
        let server = try await FakeSMTPServer.start()
        defer { Task { try? await server.stop() } }
        let mailer = try SMTPMailer(url: URL(string: "smtp://mailer:s3cret%21@127.0.0.1:\(server.port)")!,
                                    from: "Azora <no-reply@azora.test>", logger: Self.logger)
        try await mailer.send(MailMessage(to: "ada@example.com", subject: "Bienvenue à Azora", text: "Your code: 123456\nSee you = soon"))

        let commands = server.commands
        #expect(commands.first?.hasPrefix("EHLO ") == true)
        // AUTH PLAIN carries "\0user\0password", base64.
        #expect(commands.contains("AUTH PLAIN " + Data("\u{0}mailer\u{0}s3cret!".utf8).base64EncodedString()))
        #expect(commands.contains("MAIL FROM:<no-reply@azora.test>"))
        #expect(commands.contains("RCPT TO:<ada@example.com>"))
        #expect(commands.contains("DATA"))
        #expect(commands.last == "QUIT")

        let document = try #require(server.messages.first)
        #expect(document.contains("From: Azora <no-reply@azora.test>\r\n"))
        #expect(document.contains("To: ada@example.com\r\n"))
        #expect(document.contains("Subject: =?utf-8?B?\(Data("Bienvenue à Azora".utf8).base64EncodedString())?=\r\n"))
        #expect(document.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(document.contains("Your code: 123456\r\nSee you =3D soon"))
    }

    @Test func aRecipientTheServerRefusesIsAnErrorNotASilentLoss() async throws {
        let server = try await FakeSMTPServer.start(refusing: "nobody@example.com")
        defer { Task { try? await server.stop() } }
        let mailer = try SMTPMailer(url: URL(string: "smtp://127.0.0.1:\(server.port)")!, from: "no-reply@azora.test", logger: Self.logger)
        await #expect(throws: MailDeliveryError.self) {
            try await mailer.send(MailMessage(to: "nobody@example.com", subject: "Hi", text: "Hi"))
        }
        #expect(server.messages.isEmpty)
    }

    @Test func anUnreachableServerIsAnError() async throws {
        let nowhere = try BoundSocket()
        defer { nowhere.close() }
        let mailer = try SMTPMailer(url: URL(string: "smtp://127.0.0.1:\(nowhere.port)")!, from: "no-reply@azora.test", logger: Self.logger)
        await #expect(throws: MailDeliveryError.self) {
            try await mailer.send(MailMessage(to: "ada@example.com", subject: "Hi", text: "Hi"))
        }
    }

    @Test func headerInjectionIsRefusedBeforeAnythingIsSent() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: TestNames.unique("mail"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await FakeSMTPServer.start()
        defer { Task { try? await server.stop() } }
        let smtp = try SMTPMailer(url: URL(string: "smtp://127.0.0.1:\(server.port)")!, from: "no-reply@azora.test", logger: Self.logger)
        let drop = MailDropFolder(folder: folder, from: "no-reply@azora.test", logger: Self.logger)
        for mailer in [smtp, drop] as [any Mailer] {
            await #expect(throws: MailDeliveryError.self) {
                try await mailer.send(MailMessage(to: "ada@example.com\r\nBcc: all@example.com", subject: "Hi", text: "Hi"))
            }
            await #expect(throws: MailDeliveryError.self) {
                try await mailer.send(MailMessage(to: "ada@example.com", subject: "Hi\r\nBcc: all@example.com", text: "Hi"))
            }
        }
        #expect(server.commands.isEmpty)
        #expect(try MailDropFolder.messages(in: folder, to: "ada@example.com").isEmpty)
    }

    @Test func theDropFolderKeepsEachMessageAsAnEmlFileThatReadsBack() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: TestNames.unique("mail"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let drop = MailDropFolder(folder: folder, from: "Azora <no-reply@azora.test>", logger: Self.logger)
        let long = String(repeating: "long line é ", count: 20)
        try await drop.send(MailMessage(to: "ada@example.com", subject: "Verify your email", text: "Token: abc-123\n\(long)"))
        try await drop.send(MailMessage(to: "bob@example.com", subject: "Other", text: "not for Ada"))
        try await drop.send(MailMessage(to: "ada@example.com", subject: "Both parts", text: "plain text", html: "<p>html</p>"))

        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }
        #expect(files.count == 3)
        let messages = try MailDropFolder.messages(in: folder, to: "ada@example.com")
        #expect(messages.map(\.subject) == ["Verify your email", "Both parts"])
        #expect(messages[0].text == "Token: abc-123\n\(long)".trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(messages[1].text == "plain text")
    }
}

/// An SMTP server that accepts everything (but one refused recipient) and records the commands
/// and the message documents it received.
final class FakeSMTPServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let state: SMTPState

    var commands: [String] { state.log.withLock { $0.commands } }
    var messages: [String] { state.log.withLock { $0.messages } }

    private init(port: Int, channel: any Channel, state: SMTPState) {
        self.port = port
        self.channel = channel
        self.state = state
    }

    static func start(refusing refused: String? = nil) async throws -> FakeSMTPServer {
        let state = SMTPState(refused: refused)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SMTPHandler(state: state)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeSMTPServer(port: channel.localAddress!.port!, channel: channel, state: state)
    }

    func stop() async throws { try await channel.close() }
}

final class SMTPState: Sendable {
    let refused: String?
    let log = Mutex<(commands: [String], messages: [String])>(([], []))
    init(refused: String?) { self.refused = refused }
}

private final class SMTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let state: SMTPState
    var pending = ""
    var data: [String]?
    var recipientRefused = false

    init(state: SMTPState) { self.state = state }

    func channelActive(context: ChannelHandlerContext) {
        reply("220 fake.smtp ESMTP ready", context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending += String(buffer: unwrapInboundIn(data))
        while let end = pending.range(of: "\r\n") {
            let line = String(pending[..<end.lowerBound])
            pending.removeSubrange(..<end.upperBound)
            handle(line, context: context)
        }
    }

    private func handle(_ line: String, context: ChannelHandlerContext) {
        if var lines = data {
            if line == "." {
                data = nil
                state.log.withLock { $0.messages.append(lines.joined(separator: "\r\n")) }
                reply("250 queued", context: context)
            } else {
                lines.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
                data = lines
            }
            return
        }
        state.log.withLock { $0.commands.append(line) }
        switch line.split(separator: " ").first?.uppercased() ?? "" {
        case "EHLO": reply("250-fake.smtp\r\n250-AUTH PLAIN\r\n250 8BITMIME", context: context)
        case "AUTH": reply("235 authenticated", context: context)
        case "MAIL": reply("250 sender ok", context: context)
        case "RCPT":
            recipientRefused = state.refused.map { line.contains("<\($0)>") } ?? false
            reply(recipientRefused ? "550 no such user" : "250 recipient ok", context: context)
        case "DATA":
            guard !recipientRefused else { return reply("554 no valid recipients", context: context) }
            data = []
            reply("354 go ahead", context: context)
        case "QUIT":
            reply("221 bye", context: context)
            context.close(promise: nil)
        default: reply("250 ok", context: context)
        }
    }

    private func reply(_ text: String, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
