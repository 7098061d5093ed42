import Foundation
import Hummingbird
import Shared

/// Who may change what: administrators manage everything; the fleet's services register
/// products and negotiated prices; an instructor manages the prices, strategy and coupons of
/// the products they own.
extension AppRequestContext {
    /// The caller, who must be an administrator or a service.
    @discardableResult
    func requireCatalogWriter() throws -> Principal {
        try requireServiceOrAdmin()
    }

    /// The caller, who must be an administrator, a service, or the instructor owning the product.
    @discardableResult
    func requireManager(of product: Product) throws -> Principal {
        let principal = try requirePrincipal()
        if principal.isAdmin || principal.isService { return principal }
        guard principal.has(.instructor), let userId = principal.userId, product.ownerId == userId else {
            throw Problem.forbidden("only the product's instructor or an administrator may change its pricing")
        }
        return principal
    }
}

/// A path's `{ref}` parameter as a product reference, or a 400 naming it.
extension AppRequestContext {
    func productRef(_ name: String = "ref") throws -> ProductRef {
        let text = try parameters.require(name)
        guard let ref = ProductRef(text) else { throw Problem.malformed("the product reference \(ProductRef.formatHelp)", field: name) }
        return ref
    }
}
