import AuthService
import Shared

await ServiceMain.run("auth-service", buildApplication(reader:))
