import Shared
import UserService

await ServiceMain.run("user-service", buildApplication(reader:))
