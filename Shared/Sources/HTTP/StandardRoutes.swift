import Hummingbird

/// The routes every process serves besides its own: metrics and its OpenAPI document.
enum StandardRoutes {
    /// `GET /metrics`, the Prometheus exposition of this process's metrics.
    static func addMetrics(to router: Router<AppRequestContext>) {
        router.get("/metrics") { _, _ in
            let bytes = MetricsRegistry.exposition()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// `GET /openapi.yaml`, the service's contract as built into its binary.
    static func addOpenAPI(_ document: String, to router: Router<AppRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: document)))
        }
    }
}
