import AzoraLedger
import Shared

await ServiceMain.run("azora-ledger", buildApplication(reader:))
