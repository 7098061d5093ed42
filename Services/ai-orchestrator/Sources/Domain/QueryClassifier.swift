import Foundation
import Shared

/// A heuristic classifier of chat requests: cheap (microseconds, no model call) and
/// predictable, so that routing by tier costs nothing and can be reasoned about.
///
/// Task class, from the latest user message: code fences and programming words mean `code`;
/// equations and maths words `math`; "translate"/"in French" `translation`; "summarize"/"tl;dr"
/// `summarization`; "write an essay/story/email" `writing`; anything else `chat`. Each class
/// scores its keyword hits (a code fence counts 3, an equation 1); the highest score wins, ties
/// going to the earlier class in that order.
///
/// Complexity, in points: the latest user message over 400 characters (+1) or over 2000 (+2);
/// the whole conversation over 8000 characters (+1); three or more questions (+1); three or
/// more numbered or bulleted steps (+1); words asking for reasoning such as "step by step",
/// "explain why", "compare", "prove", "design", "optimize" (+1); code or maths (+1), and a code
/// block (+1 more). 0–1 points is `simple`, 2–3 `moderate`, 4 or more `complex`; the tier is
/// small, medium and large respectively.
enum QueryClassifier {
    static let taskClasses = ["code", "math", "translation", "summarization", "writing", "chat"]

    private static let keywords: [String: [String]] = [
        "code": ["code", "function", "bug", "debug", "compile", "compiler", "stack trace", "exception", "python", "javascript",
                 "typescript", "swift", "java", "rust", "golang", "sql", "query", "regex", "refactor", "implement", "api",
                 "class", "method", "variable", "syntax", "script", "algorithm", "html", "css", "json", "git", "unit test",
                 "segfault", "null pointer", "error message", "runtime error"],
        "math": ["math", "maths", "solve", "equation", "integral", "derivative", "calculate", "compute", "prove", "proof",
                 "theorem", "probability", "algebra", "geometry", "calculus", "matrix", "statistics", "percent", "fraction",
                 "sum of", "square root", "logarithm", "polynomial", "factor"],
        "translation": ["translate", "translation", "in french", "in spanish", "in german", "in english", "in italian",
                        "in chinese", "in japanese", "in portuguese", "into french", "into spanish", "into german", "into english",
                        "to french", "to spanish", "to german", "to english", "how do you say"],
        "summarization": ["summarize", "summarise", "summary", "tl dr", "tldr", "key points", "main points", "condense",
                          "shorten", "in a nutshell", "recap", "brief overview"],
        "writing": ["write an essay", "essay", "story", "poem", "draft", "rewrite", "paraphrase", "cover letter", "email",
                    "blog post", "article", "letter", "speech", "proofread", "headline", "slogan", "outline"],
    ]

    private static let reasoningWords = ["step by step", "explain why", "explain how", "compare", "contrast", "analyze", "analyse",
                                         "prove", "design", "architecture", "optimize", "optimise", "trade off", "trade offs",
                                         "in depth", "detailed", "evaluate", "justify", "derive"]

    /// Classifies a request by its messages.
    static func classify(_ request: ChatRequest) -> Classification {
        let texts = request.texts
        let latest = texts.last(where: { $0.role == "user" })?.text ?? texts.last?.text ?? ""
        let conversationLength = texts.reduce(0) { $0 + $1.text.count }
        return classify(latest: latest, conversationLength: conversationLength)
    }

    /// Classifies the latest user message, knowing the whole conversation's length in characters.
    static func classify(latest text: String, conversationLength: Int) -> Classification {
        let words = Phrases(text)
        let hasCodeBlock = text.contains("```")
        let hasEquation = text.range(of: #"[0-9a-z)]\s*[-+*/^=]\s*[0-9a-z(]"#, options: .regularExpression) != nil
            && text.range(of: #"[0-9]"#, options: .regularExpression) != nil && text.contains("=")

        var scores: [String: Int] = [:]
        for (taskClass, phrases) in keywords {
            scores[taskClass] = phrases.reduce(0) { $0 + (words.contains($1) ? 1 : 0) }
        }
        if hasCodeBlock { scores["code", default: 0] += 3 }
        if hasEquation { scores["math", default: 0] += 1 }
        let best = taskClasses.dropLast().max { lhs, rhs in
            let (left, right) = (scores[lhs] ?? 0, scores[rhs] ?? 0)
            return left != right ? left < right : taskClasses.firstIndex(of: lhs)! > taskClasses.firstIndex(of: rhs)!
        }
        let taskClass = best.flatMap { (scores[$0] ?? 0) > 0 ? $0 : nil } ?? "chat"

        var points = 0
        if text.count > 2000 { points += 2 } else if text.count > 400 { points += 1 }
        if conversationLength > 8000 { points += 1 }
        if text.filter({ $0 == "?" }).count >= 3 { points += 1 }
        if steps(in: text) >= 3 { points += 1 }
        if reasoningWords.contains(where: words.contains) { points += 1 }
        if taskClass == "code" || taskClass == "math" { points += 1 }
        if hasCodeBlock { points += 1 }

        let complexity: Complexity = points <= 1 ? .simple : points <= 3 ? .moderate : .complex
        let tier: Tier = switch complexity {
        case .simple: .small
        case .moderate: .medium
        case .complex: .large
        }
        return Classification(taskClass: taskClass, complexity: complexity, tier: tier)
    }

    /// Lines that start like a list item: `1.`, `2)`, `-`, `*`.
    private static func steps(in text: String) -> Int {
        text.split(separator: "\n").filter { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") { return true }
            let digits = trimmed.prefix { $0.isNumber }
            guard !digits.isEmpty, digits.count <= 3 else { return false }
            let rest = trimmed.dropFirst(digits.count)
            return rest.hasPrefix(". ") || rest.hasPrefix(") ")
        }.count
    }
}

/// The words of a text, lower-cased, and its two- and three-word sequences, for looking up
/// keyword phrases in time proportional to the text, not to the text times the keywords.
private struct Phrases {
    private var sequences: [Set<String>] = [[], [], []]

    init(_ text: String) {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        for index in words.indices {
            sequences[0].insert(words[index])
            if index + 1 < words.count { sequences[1].insert(words[index] + " " + words[index + 1]) }
            if index + 2 < words.count { sequences[2].insert(words[index] + " " + words[index + 1] + " " + words[index + 2]) }
        }
    }

    /// Whether the text holds the phrase (one to three words, lower-case, separated by spaces).
    func contains(_ phrase: String) -> Bool {
        let length = phrase.split(separator: " ").count
        return (1...3).contains(length) && sequences[length - 1].contains(phrase)
    }
}
