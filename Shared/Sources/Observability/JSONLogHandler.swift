import Foundation
import Logging
import Synchronization

/// Writes each log record as one JSON line on standard output: time, level, service, message
/// and the record's metadata (request id, trace ids, and whatever the caller added).
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let service: String

    /// Creates a handler for a logger label, tagging every line with the service name.
    public init(label: String, service: String, level: Logger.Level) {
        self.label = label
        self.service = service
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }

        var record: [String: JSONValue] = [
            "time": .string(Timestamp.format(Date())),
            "level": .string(event.level.rawValue),
            "service": .string(service),
            "message": .string(event.message.description),
        ]
        if let error = event.error { record["error"] = .string(String(describing: error)) }
        if label != service { record["logger"] = .string(label) }
        for (key, value) in merged where record[key] == nil {
            record[key] = Self.json(value)
        }
        guard var line = try? JSONLogHandler.encoder.encode(record) else { return }
        line.append(UInt8(ascii: "\n"))
        Self.output.withLock { _ in
            FileHandle.standardOutput.write(line)
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Serialises writes so that lines from concurrent tasks never interleave.
    private static let output = Mutex(())

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(members.mapValues(json))
        }
    }
}
