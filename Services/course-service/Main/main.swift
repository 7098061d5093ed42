import CourseService
import Shared

await ServiceMain.run("course-service", buildApplication(reader:))
