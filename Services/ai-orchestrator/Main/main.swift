import AIOrchestrator
import Shared

await ServiceMain.run("ai-orchestrator", buildApplication(reader:))
