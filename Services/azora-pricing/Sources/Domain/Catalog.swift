import Foundation
import Shared

/// A product in the price book.
struct Product: Codable, Sendable, Equatable {
    let ref: String
    let kind: String
    let title: String
    let category: String?
    /// The instructor who manages this product's prices, strategy and coupons.
    let ownerId: UUID?
    let createdAt: Date
    let updatedAt: Date
}

/// `PUT /pricing/products/{ref}`: creates or updates a product.
struct ProductOrder: Decodable, Sendable {
    let title: String
    let category: String?
    let ownerId: UUID?

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if !(1...200).contains(title.trimmingCharacters(in: .whitespaces).count) {
            errors.append(FieldError(field: "title", message: "must be 1 to 200 characters"))
        }
        if let category, !Validation.isSlug(category) {
            errors.append(FieldError(field: "category", message: Validation.slugHelp))
        }
        return errors
    }
}

/// A price as recorded: the base price (no country) or a regional one, from a moment on.
struct Price: Codable, Sendable, Equatable {
    let id: UUID
    let productRef: String
    let currency: String
    let country: String?
    let amount: Int64
    let effectiveFrom: Date
    let setBy: String
    let createdAt: Date
}

/// `POST /pricing/products/{ref}/prices`: a new price, effective now or from a later moment.
struct PriceOrder: Sendable {
    let currency: String
    let country: String?
    let amount: Int64
    let effectiveFrom: Date?

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if Currency(code: currency) == nil { errors.append(FieldError(field: "currency", message: Currency.unknownCodeHelp)) }
        if let country, !Validation.isCountry(country) { errors.append(FieldError(field: "country", message: Validation.countryHelp)) }
        if !(0...Validation.maxUnitAmount).contains(amount) {
            errors.append(FieldError(field: "amount", message: "must be a whole number of minor units from 0 to \(Validation.maxUnitAmount)"))
        }
        return errors
    }
}

extension PriceOrder: Decodable {
    private enum CodingKeys: String, CodingKey { case currency, country, amount, effectiveFrom }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currency = try container.decode(String.self, forKey: .currency)
        country = try container.decodeIfPresent(String.self, forKey: .country)
        amount = try container.decodeWholeNumber(forKey: .amount)
        effectiveFrom = try container.decodeIfPresent(Date.self, forKey: .effectiveFrom)
    }
}

/// A country's purchasing-power adjustment and the currency quoted when a product has no
/// price in the one asked for.
struct Region: Codable, Sendable, Equatable {
    let country: String
    /// The share of the base price paid there, in basis points (4000 = 40%).
    let pppBps: Int
    let fallbackCurrency: String
}

/// `PUT /pricing/regions/{country}`.
struct RegionOrder: Decodable, Sendable {
    let pppBps: Int
    let fallbackCurrency: String

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if !(1...100_000).contains(pppBps) { errors.append(FieldError(field: "pppBps", message: "must be from 1 to 100000 basis points")) }
        if Currency(code: fallbackCurrency) == nil { errors.append(FieldError(field: "fallbackCurrency", message: Currency.unknownCodeHelp)) }
        return errors
    }
}

/// A price negotiated with an enterprise customer, paid by its members.
struct EnterprisePrice: Codable, Sendable, Equatable {
    let organizationId: UUID
    let productRef: String
    let currency: String
    let amount: Int64
}

/// `PUT /pricing/enterprise/{organizationId}/prices/{ref}`.
struct EnterprisePriceOrder: Sendable {
    let currency: String
    let amount: Int64

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if Currency(code: currency) == nil { errors.append(FieldError(field: "currency", message: Currency.unknownCodeHelp)) }
        if !(0...Validation.maxUnitAmount).contains(amount) {
            errors.append(FieldError(field: "amount", message: "must be a whole number of minor units from 0 to \(Validation.maxUnitAmount)"))
        }
        return errors
    }
}

extension EnterprisePriceOrder: Decodable {
    private enum CodingKeys: String, CodingKey { case currency, amount }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currency = try container.decode(String.self, forKey: .currency)
        amount = try container.decodeWholeNumber(forKey: .amount)
    }
}
