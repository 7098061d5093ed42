import Foundation
import Shared

/// A currency conversion as a client asks for it: `amount` minor units of the debit account's
/// currency become `amount × rate` of the credit account's, through the platform's exchange
/// account in each currency, as two linked transfers recorded together.
struct ConversionOrder: Decodable, Sendable {
    let id: UUID
    let debitAccountId: UUID
    let creditAccountId: UUID
    /// Minor units of the debit side's currency.
    let amount: Int64
    /// Units of the credit side's currency for one unit of the debit side's, as a decimal
    /// string (`"0.9215"`) so that no binary floating point touches it.
    let rate: String
    let code: String?
    let metadata: JSONValue?

    /// The rate as an exact decimal; throws a 422 naming `rate` unless it is a positive number.
    func decimalRate() throws -> Decimal {
        guard rate.range(of: #"^[0-9]{1,12}(\.[0-9]{1,12})?$"#, options: .regularExpression) != nil,
            let value = Decimal(string: rate, locale: Locale(identifier: "en_US_POSIX")), value > 0
        else { throw Problem.invalid("rate", "must be a positive decimal number written as a string, such as \"0.9215\"") }
        return value
    }

    /// The credited amount in minor units of `to`: `amount × rate`, scaled between the two
    /// currencies' minor units and rounded half to even (banker's rounding), the documented rule.
    static func convertedAmount(_ amount: Int64, rate: Decimal, from: Currency, to: Currency) -> Decimal {
        var exact = Decimal(amount) * rate
        let shift = to.minorUnitDigits - from.minorUnitDigits
        exact = shift >= 0 ? exact * pow(10, shift) : exact / pow(10, -shift)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, 0, .bankers)
        return rounded
    }

    /// The ids of the two legs, derived from the conversion's id so that a repeat finds them.
    var debitLegId: UUID { DerivedUUID.make(from: id, "debit-leg") }
    var creditLegId: UUID { DerivedUUID.make(from: id, "credit-leg") }
}
