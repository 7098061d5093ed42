import Foundation

/// An amount of money on the wire: `{"amount": 1999, "currency": "USD"}`, in whole minor units
/// of the currency (never a fraction; `1999.0` and `19.99` are refused when decoding).
public struct Money: Codable, Sendable, Hashable {
    public let amount: Int64
    /// An ISO 4217 code, or the platform token's (see `Currency`).
    public let currency: String

    public init(amount: Int64, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    private enum CodingKeys: String, CodingKey { case amount, currency }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        amount = try container.decodeWholeNumber(forKey: .amount)
        currency = try container.decode(String.self, forKey: .currency)
    }

    /// What is wrong with an amount a request gave under `field`: an amount outside `amounts`,
    /// or a currency the platform does not know. Empty when it is acceptable.
    public func problems(field: String, amounts: ClosedRange<Int64>) -> [FieldError] {
        var errors: [FieldError] = []
        if !amounts.contains(amount) {
            errors.append(FieldError(field: "\(field).amount",
                                     message: "must be a whole number of minor units from \(amounts.lowerBound) to \(amounts.upperBound)"))
        }
        if Currency(code: currency) == nil { errors.append(FieldError(field: "\(field).currency", message: Currency.unknownCodeHelp)) }
        return errors
    }
}
