import Gateway
import Shared

await ServiceMain.run("gateway", buildApplication(reader:))
