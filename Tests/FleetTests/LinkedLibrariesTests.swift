import Foundation
import TestSupport
import Testing

/// Each executable loads the C libraries of the parts of Shared it links, and no others: the
/// gateway links Shared's core alone, so neither libcurl (mail) nor libargon2 (password hashes).
@Suite struct LinkedLibrariesTests {
    /// The libraries `ldd` says the executable loads, by file name (`libcurl.so.4`, …).
    static func libraries(of executable: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [TestEnvironment.binDirectory.appending(path: executable).path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "ldd \(executable) failed")
        return text.split(separator: "\n").compactMap { $0.split(whereSeparator: \.isWhitespace).first.map(String.init) }
    }

    @Test func theGatewayLoadsNoPartsLibraries() throws {
        let libraries = try Self.libraries(of: "gateway")
        #expect(libraries.contains { $0.hasPrefix("libpq.") } && libraries.contains { $0.hasPrefix("libhiredis.") })
        #expect(!libraries.contains { $0.hasPrefix("libcurl.") || $0.hasPrefix("libargon2.") }, "\(libraries)")
    }

    @Test func authServiceLoadsTheLibrariesOfItsParts() throws {
        let libraries = try Self.libraries(of: "auth-service")
        #expect(libraries.contains { $0.hasPrefix("libcurl.") } && libraries.contains { $0.hasPrefix("libargon2.") }, "\(libraries)")
    }

    @Test func servicesWithoutPartsLoadNeither() throws {
        for executable in ["course-service", "azora-ledger"] {
            let libraries = try Self.libraries(of: executable)
            #expect(!libraries.contains { $0.hasPrefix("libcurl.") || $0.hasPrefix("libargon2.") }, "\(executable): \(libraries)")
        }
    }
}
