import EnrollmentService
import Shared

await ServiceMain.run("enrollment-service", buildApplication(reader:))
