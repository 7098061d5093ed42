import Foundation
import Shared

/// An amount of money on the wire: `{"amount": 4999, "currency": "USD"}`, in whole minor units.
struct Money: Codable, Sendable, Equatable {
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
}
