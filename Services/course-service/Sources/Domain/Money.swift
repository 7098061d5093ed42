import Foundation
import Shared

/// An amount of money on the wire: `{"amount": 1999, "currency": "USD"}`, whole minor units.
struct Money: Codable, Sendable, Equatable, Hashable {
    let amount: Int64
    let currency: String

    init(amount: Int64, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    private enum CodingKeys: String, CodingKey { case amount, currency }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        amount = try container.decodeWholeNumber(forKey: .amount)
        currency = try container.decode(String.self, forKey: .currency)
    }

    /// A course price: 0 (free) to `Validation.maxAmount` in a currency the platform knows.
    func problems(field: String) -> [FieldError] {
        var errors: [FieldError] = []
        if !(0...Validation.maxAmount).contains(amount) {
            errors.append(FieldError(field: "\(field).amount", message: "must be a whole number of minor units from 0 to \(Validation.maxAmount)"))
        }
        if Currency(code: currency) == nil { errors.append(FieldError(field: "\(field).currency", message: Validation.currencyHelp)) }
        return errors
    }
}
