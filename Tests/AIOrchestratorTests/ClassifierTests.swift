import Foundation
import Shared
import Testing
import TestSupport

@testable import AIOrchestrator

@Suite struct ClassifierTests {
    private func classify(_ text: String, history: [(String, String)] = [], system: String? = nil) throws -> Classification {
        var messages: [JSONValue] = []
        if let system { messages.append(["role": "system", "content": .string(system)]) }
        for (role, content) in history { messages.append(["role": .string(role), "content": .string(content)]) }
        messages.append(["role": "user", "content": .string(text)])
        return QueryClassifier.classify(try ChatRequest(json: ["model": "tutor-default", "messages": .array(messages)]))
    }

    @Test(arguments: [
        ("Hi! How are you today?", "chat", Complexity.simple),
        ("What is the capital of France?", "chat", .simple),
        ("Write a Python function that reverses a linked list.", "code", .simple),
        ("Solve 2x + 3 = 11 for x.", "math", .simple),
        ("Translate 'good morning, teacher' into Spanish.", "translation", .simple),
        ("Can you summarize the key points of the French Revolution?", "summarization", .simple),
        ("Write a short poem about autumn leaves.", "writing", .simple),
        ("Prove step by step that the square root of 2 is irrational.", "math", .moderate),
    ])
    func shortPromptsAreClassifiedByTheirWords(_ prompt: String, _ taskClass: String, _ complexity: Complexity) throws {
        let classification = try classify(prompt)
        #expect(classification.taskClass == taskClass)
        #expect(classification.complexity == complexity)
    }

    @Test func codeWithQuestionsAndLengthIsComplexAndGoesToTheLargeTier() throws {
        let code = String(repeating: "    let total = items.map { $0.price }.reduce(0, +)\n", count: 12)
        let prompt = """
            My Swift code crashes at runtime:
            ```swift
            \(code)
            ```
            Why does it crash? How do I fix it? Is there a faster way? Explain why the compiler accepts it.
            """
        let classification = try classify(prompt)
        #expect(classification == Classification(taskClass: "code", complexity: .complex, tier: .large))
    }

    @Test func tiersFollowComplexity() throws {
        #expect(try classify("hello").tier == .small)
        let steps = "Plan my study week:\n1. review my notes\n2. practise flashcards\n3. read two chapters\nCompare two ways to do it."
        #expect(try classify(steps) == Classification(taskClass: "chat", complexity: .moderate, tier: .medium))
        let essay = "Please proofread and rewrite this essay so it reads better. " + String(repeating: "The lesson was long. ", count: 120)
        let rewrite = try classify(essay)
        #expect(rewrite.taskClass == "writing" && rewrite.complexity == .moderate && rewrite.tier == .medium)
    }

    @Test func theLatestUserMessageDecidesTheClassAndTheConversationAddsWeight() throws {
        let history = [("user", "Write a Python script that sorts a list."), ("assistant", String(repeating: "sorted(items) ", count: 700))]
        let followUp = try classify("Thanks! And what is the capital of Peru?", history: history)
        #expect(followUp.taskClass == "chat")
        #expect(followUp.complexity == .simple, "one point for a long conversation only")
        let system = try classify("hola", system: "Translate everything the user says into English.")
        #expect(system.taskClass == "chat", "the system prompt does not decide the task")
    }

    @Test func classificationsAreLoggedAndListedNewestFirst() async throws {
        try await ControlHarness.run { control in
            let log = control.parts.classifications
            let learner = UUID()
            await log.record(requestId: "req-1", userId: learner, model: "tutor-default", try classify("Solve 2x + 3 = 11 for x."))
            await log.record(requestId: "req-2", userId: nil, model: "tutor-default", try classify("hello"))
            await log.record(requestId: "req-3", userId: learner, model: "tutor-default", try classify("Write a poem."))
            try await eventually {
                try await control.database.queryFirst("SELECT count(*) AS n FROM query_classifications")?.decode("n", as: Int.self) == 3
            }
            let page = try await control.send(.get, "/ai-orchestrator/classifications?limit=2", as: control.admin)
            #expect(page.items.map { $0["requestId"] as? String } == ["req-3", "req-2"])
            let rest = try await control.send(.get, "/ai-orchestrator/classifications?limit=2&cursor=\(page.json["nextCursor"] as? String ?? "")",
                                              as: control.admin)
            #expect(rest.items.map { $0["requestId"] as? String } == ["req-1"] && rest.json["nextCursor"] == nil)
            let first = try #require(rest.items.first)
            #expect(first["taskClass"] as? String == "math" && first["complexity"] as? String == "simple" && first["tier"] as? String == "small")
            #expect(first["userId"] as? String == learner.lowercasedText || first["userId"] as? String == learner.uuidString)
            let mine = try await control.send(.get, "/ai-orchestrator/classifications?userId=\(learner.uuidString)&taskClass=writing", as: control.admin)
            #expect(mine.items.map { $0["requestId"] as? String } == ["req-3"])
            #expect(try await control.send(.get, "/ai-orchestrator/classifications?taskClass=poetry", as: control.admin).fields == ["taskClass"])
        }
    }
}
