import AzoraPricing
import Shared

await ServiceMain.run("azora-pricing", buildApplication(reader:))
