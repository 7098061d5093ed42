import Foundation
import PackagePlugin

/// Builds a service's `openapi.yaml` and `migrations/*.sql` into its library as Swift string
/// literals (`EmbeddedFiles`), so that the executable needs no resource bundle beside it.
@main
struct EmbedServiceFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        // A service's library lives in Services/<name>/Sources; its files sit beside that folder.
        let serviceDirectory = target.directoryURL.deletingLastPathComponent()
        let openAPI = serviceDirectory.appending(path: "openapi.yaml")
        let migrationsDirectory = serviceDirectory.appending(path: "migrations")
        let migrations = ((try? FileManager.default.contentsOfDirectory(atPath: migrationsDirectory.path())) ?? [])
            .filter { $0.hasSuffix(".sql") }
            .sorted()
            .map { migrationsDirectory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        let inputs = [openAPI] + migrations
        return [
            .buildCommand(
                displayName: "Embedding openapi.yaml and \(migrations.count) migrations into \(target.name)",
                executable: try context.tool(named: "EmbedServiceFilesTool").url,
                arguments: [output.path(), openAPI.path()] + migrations.map { $0.path() },
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
