/// `/.well-known/jwks.json`.
struct JWKSDocument: Codable, Sendable {
    struct Key: Codable, Sendable {
        var kty = "OKP"
        var crv = "Ed25519"
        var alg = "EdDSA"
        var use = "sig"
        let kid: String
        let x: String
    }

    let keys: [Key]
}
