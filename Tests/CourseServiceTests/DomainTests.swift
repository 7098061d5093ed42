import Foundation
import Shared
import Testing

@testable import CourseService

/// The rules that need no database.
@Suite struct DomainTests {
    @Test func aNewOrderMustNameEveryItemOnce() {
        let (a, b, c) = (UUID(), UUID(), UUID())
        #expect(Ordering.problems([c, a, b], current: [a, b, c], field: "ids").isEmpty)
        #expect(Ordering.problems([a, a, b], current: [a, b, c], field: "ids").map(\.field) == ["ids[1]"])
        #expect(Ordering.problems([a, UUID(), c], current: [a, b, c], field: "ids").map(\.field) == ["ids[1]"])
        #expect(Ordering.problems([a, b], current: [a, b, c], field: "ids").map(\.field) == ["ids"])
        #expect(Ordering.inserting(c, into: [a, b], at: 1) == [c, a, b])
        #expect(Ordering.inserting(a, into: [a, b, c], at: 3) == [b, c, a])
        #expect(Ordering.inserting(a, into: [a, b, c], at: 99) == [b, c, a])
        #expect(Ordering.inserting(c, into: [a, b], at: nil) == [a, b, c])
    }

    @Test func languagesAndSlugsHaveOneForm() {
        #expect(["en", "pt", "pt-BR", "fil"].allSatisfy(Validation.isLanguage))
        #expect(!["EN", "english", "pt-br", "pt-BRA", "e", "", "en-"].contains(where: Validation.isLanguage))
        #expect(Validation.isSlug("web-dev_2") && !Validation.isSlug("Web Dev") && !Validation.isSlug(""))
        #expect(Validation.isWebURL("https://videos.example/a.mp4") && !Validation.isWebURL("javascript:alert(1)") && !Validation.isWebURL("https://"))
    }

    /// Only an instructor who owns a course, or an administrator, changes it; services and
    /// learners read published courses, services everything.
    @Test func theViewerRulesDecideWhoSeesAndChanges() {
        let owner = UUID()
        let draft = Course(id: UUID(), instructorId: owner, title: "t", subtitle: "", description: "", category: "c", level: .beginner,
                           language: "en", tags: [], price: Money(amount: 0, currency: "USD"), capacity: nil, status: .draft,
                           rejectionReason: nil, rating: Rating(average: nil, count: 0), createdAt: Date(), updatedAt: Date(), publishedAt: nil)
        let instructor = Viewer(userId: owner, isAdmin: false, isService: false, isInstructor: true)
        let demoted = Viewer(userId: owner, isAdmin: false, isService: false, isInstructor: false)
        let service = Viewer(userId: nil, isAdmin: false, isService: true, isInstructor: false)
        let admin = Viewer(userId: UUID(), isAdmin: true, isService: false, isInstructor: false)
        let learner = Viewer(userId: UUID(), isAdmin: false, isService: false, isInstructor: false)
        #expect(instructor.maySee(draft) && instructor.mayEdit(draft))
        #expect(demoted.maySee(draft) && !demoted.mayEdit(draft), "editing needs the instructor role")
        #expect(service.maySee(draft) && !service.mayEdit(draft))
        #expect(admin.maySee(draft) && admin.mayEdit(draft))
        #expect(!learner.maySee(draft) && !Viewer.anonymous.maySee(draft))
    }

    @Test func searchComparesTheQuerysLongerWordsForTypos() {
        #expect(CatalogStore.typoWords("Learn SWFIT, the swfit way: go!") == ["learn", "swfit", "the", "way"])
        #expect(CatalogStore.typoWords("alpha bravo charlie delta echo foxtrot golf hotel india juliet").count == CatalogStore.maxTypoWords)
    }
}
