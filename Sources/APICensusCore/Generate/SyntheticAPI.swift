/// The synthetic organisation behind `apicensus generate`: a handful of hosts and about two hundred
/// endpoint templates with the parameter kinds real APIs use (numeric ids, UUIDs, hex tokens,
/// user names, slugs, dates), literal siblings next to parameters (`/users/me`, `/users/search`),
/// versions, actions, health and metrics probes.
public struct SyntheticEndpoint: Sendable, Equatable {
    public var host: String
    public var method: String
    /// Path pattern with `{int}`, `{uuid}`, `{hex}`, `{name}`, `{slug}`, `{date}` placeholders.
    public var pattern: String

    /// The template APICensus should report: typed kinds kept, name-like kinds as `{param}`.
    public var truthTemplate: String {
        pattern.replacing("{name}", with: "{param}").replacing("{slug}", with: "{param}")
    }
}

public enum SyntheticAPI {
    public static let endpoints: [SyntheticEndpoint] = build()

    static func build() -> [SyntheticEndpoint] {
        var list: [SyntheticEndpoint] = []
        let shop = "api.shop.example"
        func add(_ host: String, _ method: String, _ pattern: String) {
            list.append(SyntheticEndpoint(host: host, method: method, pattern: pattern))
        }
        let resources = ["users", "orders", "products", "carts", "invoices", "payments", "shipments", "reviews",
                         "coupons", "webhooks", "subscriptions", "refunds", "addresses", "categories", "warehouses",
                         "notifications"]
        for r in resources {
            add(shop, "GET", "/v1/\(r)")
            add(shop, "POST", "/v1/\(r)")
            add(shop, "GET", "/v1/\(r)/{int}")
            add(shop, "PUT", "/v1/\(r)/{int}")
            add(shop, "DELETE", "/v1/\(r)/{int}")
            add(shop, "GET", "/v1/\(r)/{int}/history")
        }
        for r in resources.prefix(8) {
            add(shop, "GET", "/v2/\(r)")
            add(shop, "GET", "/v2/\(r)/{uuid}")
            add(shop, "PATCH", "/v2/\(r)/{uuid}")
        }
        for (parent, child) in [("users", "orders"), ("users", "addresses"), ("users", "payments"), ("orders", "items"),
                                ("orders", "shipments"), ("carts", "items"), ("invoices", "lines"), ("products", "reviews")] {
            add(shop, "GET", "/v1/\(parent)/{int}/\(child)")
            add(shop, "POST", "/v1/\(parent)/{int}/\(child)")
            add(shop, "GET", "/v1/\(parent)/{int}/\(child)/{int}")
            add(shop, "DELETE", "/v1/\(parent)/{int}/\(child)/{int}")
        }
        for action in ["cancel", "refund", "capture", "confirm"] { add(shop, "POST", "/v1/orders/{int}/\(action)") }
        for action in ["capture", "void"] { add(shop, "POST", "/v2/payments/{uuid}/\(action)") }
        add(shop, "GET", "/v1/users/me")
        add(shop, "PUT", "/v1/users/me")
        add(shop, "GET", "/v1/users/search")
        add(shop, "GET", "/v1/products/search")
        add(shop, "GET", "/v1/profiles/{name}")
        add(shop, "GET", "/v1/profiles/{name}/followers")
        add(shop, "GET", "/v1/catalog/{slug}")
        add(shop, "GET", "/v1/catalog/{slug}/variants")
        add(shop, "GET", "/v1/reports/daily/{date}")
        add(shop, "GET", "/v1/exports/{hex}")
        add(shop, "POST", "/graphql")
        add(shop, "GET", "/health")
        add(shop, "GET", "/metrics")

        let auth = "auth.example"
        add(auth, "POST", "/oauth/token")
        add(auth, "GET", "/oauth/authorize")
        add(auth, "POST", "/oauth/revoke")
        add(auth, "GET", "/.well-known/openid-configuration")
        add(auth, "GET", "/.well-known/jwks.json")
        add(auth, "POST", "/v1/sessions")
        add(auth, "DELETE", "/v1/sessions/{hex}")
        add(auth, "GET", "/v1/sessions/{hex}")
        add(auth, "GET", "/v1/keys/{hex}")
        add(auth, "POST", "/v1/users/{int}/mfa")

        let files = "files.example"
        add(files, "GET", "/v1/files/{uuid}")
        add(files, "PUT", "/v1/files/{uuid}")
        add(files, "DELETE", "/v1/files/{uuid}")
        add(files, "GET", "/v1/files/{uuid}/thumbnail")
        add(files, "GET", "/v1/buckets/{name}/objects")
        add(files, "GET", "/v1/buckets/{name}/objects/{hex}")

        let admin = "admin.internal"
        for r in ["jobs", "tenants", "audit", "flags"] {
            add(admin, "GET", "/api/\(r)")
            add(admin, "GET", "/api/\(r)/{int}")
            add(admin, "POST", "/api/\(r)")
        }
        add(admin, "POST", "/api/jobs/{int}/retry")
        add(admin, "GET", "/api/tenants/{uuid}/usage")
        add(admin, "GET", "/healthz")
        return list
    }
}
