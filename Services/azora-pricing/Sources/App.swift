import Configuration
import Foundation
import Hummingbird
import Shared

/// Builds azora-pricing: the price book, dynamic pricing strategies, coupons, promotions,
/// negotiated prices, and signed quotes that payment-service charges.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "azora-pricing", reader: reader)
    let settings = try PricingSettings(settings: runtime.settings)
    let database = try runtime.database(migrations: Migration.fromFiles(prefix: "pricing", EmbeddedFiles.migrationFiles))
    let outbox = try runtime.outbox()

    let book = PriceBook(database: database, outbox: outbox)
    let promotions = PromotionStore(database: database, outbox: outbox)
    let coupons = CouponStore(database: database, outbox: outbox)
    let quotes = QuoteBook(database: database, outbox: outbox, signer: QuoteSigner(key: settings.signingKey),
                           lifetime: settings.quoteLifetime)
    let loader = InputsLoader(database: database, platformFallbackCurrency: settings.fallbackCurrency)
    _ = try runtime.eventConsumer(handlers: FleetEvents.handlers(quotes: quotes, signals: DemandSignals(), clock: runtime.clock,
                                                                 logger: runtime.logger))

    let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI)
    let signedIn = router.group().requiringAuthentication()
    ProductRoutes(book: book, clock: runtime.clock).add(to: signedIn)
    RegionRoutes(book: book).add(to: signedIn)
    EnterpriseRoutes(book: book).add(to: signedIn)
    CouponRoutes(coupons: coupons, book: book).add(to: signedIn)
    PromotionRoutes(promotions: promotions, clock: runtime.clock).add(to: signedIn)
    QuoteRoutes(loader: loader, quotes: quotes, clock: runtime.clock).add(to: router, signedIn: signedIn)
    return runtime.makeApplication(router: router)
}
