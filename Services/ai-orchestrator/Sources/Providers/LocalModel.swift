import Crypto
import Foundation
import Shared

/// The local stack's model: answers that are a pure function of the request, and say they are
/// local, so that development and tests get the same answer every time without an upstream.
enum LocalModel {
    /// The embedding size when the request does not ask for `dimensions`.
    static let defaultDimensions = 64
    /// The characters of the user's message echoed back.
    static let echoLength = 200

    /// The answer to a chat request: `[local model <model>] You said: "<the last user message's
    /// first 200 characters>" (<its word count> words).`, cut at the request's `max_tokens`
    /// (four characters a token).
    /// - Returns: the text and whether it was cut.
    static func reply(to request: ChatRequest, model: String) -> (text: String, truncated: Bool) {
        let message = request.texts.last { $0.role == "user" }?.text ?? ""
        let words = message.split(whereSeparator: \.isWhitespace).count
        let excerpt = message.count > echoLength ? message.prefix(echoLength) + "…" : Substring(message)
        let text = "[local model \(model)] You said: \"\(excerpt)\" (\(words) \(words == 1 ? "word" : "words"))."
        guard let maxTokens = request.maxTokens, tokens(text) > maxTokens else { return (text, false) }
        var cut = ""
        for character in text {
            guard tokens(cut + String(character)) <= maxTokens else { break }
            cut.append(character)
        }
        return (cut, true)
    }

    /// The pieces a streamed answer arrives in: word by word, each with the space after it.
    static func pieces(of text: String) -> [String] {
        var pieces: [String] = []
        var piece = ""
        for character in text {
            piece.append(character)
            if character == " " {
                pieces.append(piece)
                piece = ""
            }
        }
        if !piece.isEmpty { pieces.append(piece) }
        return pieces
    }

    /// Tokens at four UTF-8 bytes a token, rounded up.
    static func tokens(_ text: String) -> Int { TokenUsage.estimatedTokens(bytes: text.utf8.count) }

    /// The usage of an answer: every message's text and the answer, at four bytes a token.
    static func usage(_ request: ChatRequest, reply: String) -> TokenUsage {
        TokenUsage(promptTokens: max(1, tokens(request.texts.map(\.text).joined())), completionTokens: tokens(reply))
    }

    /// A unit vector derived from SHA-256 of the text (and a block counter, for more than 32
    /// dimensions): equal texts give equal vectors, different texts unrelated ones.
    static func embedding(of text: String, dimensions: Int = defaultDimensions) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(dimensions)
        var block: UInt32 = 0
        while values.count < dimensions {
            var hash = SHA256()
            hash.update(data: Data(text.utf8))
            withUnsafeBytes(of: block.bigEndian) { hash.update(bufferPointer: $0) }
            for byte in hash.finalize() where values.count < dimensions { values.append(Double(byte) - 127.5) }
            block += 1
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    /// An embedding as OpenAI's `encoding_format: base64` writes it: little-endian float32s.
    static func base64(_ vector: [Double]) -> String {
        var bytes = Data(capacity: vector.count * 4)
        for value in vector { withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes.base64EncodedString()
    }

    /// The texts of an embeddings request's `input`, one per input: strings as they are, token
    /// arrays as their numbers (a single array of numbers is one input).
    static func inputs(_ input: JSONValue?) -> [String] {
        switch input {
        case .string(let text)?: return [text]
        case .array(let items)? where items.allSatisfy({ if case .number = $0 { true } else { false } }):
            return [tokenText(items)]
        case .array(let items)?:
            return items.map { item in
                switch item {
                case .string(let text): text
                case .array(let tokens): tokenText(tokens)
                default: JSONText.write(item)
                }
            }
        default: return []
        }
    }

    private static func tokenText(_ tokens: [JSONValue]) -> String {
        "tokens:" + tokens.map { JSONText.write($0) }.joined(separator: ",")
    }
}
