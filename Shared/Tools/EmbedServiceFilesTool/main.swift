import Foundation

// Usage: EmbedServiceFilesTool OUTPUT OPENAPI [MIGRATION.sql ...]
// Writes a Swift file declaring `EmbeddedFiles.openAPI` and `EmbeddedFiles.migrationFiles`.
let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: EmbedServiceFilesTool OUTPUT OPENAPI [MIGRATION.sql ...]\n".utf8))
    exit(2)
}
let output = URL(fileURLWithPath: arguments[arguments.startIndex])
let openAPIPath = arguments[arguments.startIndex + 1]
let migrationPaths = arguments.dropFirst(2)

/// A raw string literal that holds `text` exactly, with enough `#` that nothing inside ends it
/// or reads as an escape.
func literal(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"\"\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
}

func contents(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("EmbedServiceFilesTool: cannot read \(path)\n".utf8))
        exit(1)
    }
    return String(decoding: data, as: UTF8.self)
}

let openAPI = FileManager.default.fileExists(atPath: openAPIPath) ? contents(openAPIPath) : ""
var source = """
    // Generated at build time by the EmbedServiceFiles plugin from openapi.yaml and migrations/.
    // Do not edit; edit those files instead.

    enum EmbeddedFiles {
        /// The service's OpenAPI document (openapi.yaml).
        static let openAPI: String = \(literal(openAPI))

        /// The service's migrations (migrations/*.sql), by file name, in order.
        static let migrationFiles: [(name: String, contents: String)] = [

    """
for path in migrationPaths {
    let name = URL(fileURLWithPath: path).lastPathComponent
    source += "        (\"\(name)\", \(literal(contents(path)))),\n"
}
source += "    ]\n}\n"

// Rewrite only on change, so that an unchanged service is not recompiled.
if (try? String(contentsOf: output, encoding: .utf8)) != source {
    do {
        try source.write(to: output, atomically: true, encoding: .utf8)
    } catch {
        FileHandle.standardError.write(Data("EmbedServiceFilesTool: cannot write \(output.path): \(error)\n".utf8))
        exit(1)
    }
}
