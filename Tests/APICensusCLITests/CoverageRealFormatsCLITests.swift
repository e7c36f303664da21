import Foundation
import Testing

/// Known truth in real formats, through `apicensus batch`: Fixtures/coverage-kong.json is a Kong
/// gateway's log, Fixtures/coverage-service.log the combined log of the service behind it, named
/// in Fixtures/coverage.yaml. The gateway log has, on api.shop.example:
/// - `GET /api/v1/orders/{id}`: 40 external calls with bearer JWTs (4 with `alg: none`), TLS 1.3;
/// - `POST /api/v1/orders?api_key=…`: 10 calls with the key in the query, over TLS 1.0;
/// - `GET /api/v1/catalog/{id}`: 12 calls whose Authorization is logged as its scheme only (the
///   secret-free Kong configuration of docs/formats/kong.md): 8 `Bearer`, 4 `Basic`, TLS 1.2;
/// - `GET /api/v1/stock`: 6 calls without credentials over plain HTTP.
/// The service log has the orders calls again (from the gateway, 10.0.0.5), plus two endpoints
/// called directly from outside: `GET /internal/v1/admin/users/{id}` (12, Basic user `ops`) and
/// `DELETE /api/v1/legacy/items/{id}` (6), and 10 health checks.
@Suite(.serialized) struct CoverageRealFormatsCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    let dir: URL
    init() throws { dir = try CLI.temporaryDirectory() }

    func endpoint(_ r: CLI.Result, _ method: String, _ template: String) -> [String: Any]? {
        (r.json["endpoints"] as? [[String: Any]])?.first { $0["method"] as? String == method && $0["template"] as? String == template }
    }

    @Test func kongGatewayAndServiceLogGiveExactCoverage() throws {
        let r = try CLI.run(["batch", "--config", Self.fixture("coverage.yaml")])
        #expect(r.status == 0, "\(r.stderr)")
        let files = (r.json["input"] as! [String: Any])["files"] as! [[String: Any]]
        #expect(files.map { "\($0["format"]!)=\($0["role"]!)" } == ["kong=gateway", "combined=service"])

        // Per endpoint.
        func evidence(_ method: String, _ template: String) -> [String: Any] {
            (endpoint(r, method, template)?["evidence"] as? [String: Any]) ?? [:]
        }
        let orders = try #require(endpoint(r, "GET", "/api/v1/orders/{int}"))
        #expect(orders["calls"] as? Int == 80)
        #expect(orders["mediated"] as? Bool == true && orders["mediation_reason"] as? String == "seen_by_gateway")
        #expect(evidence("GET", "/api/v1/orders/{int}")["auth"] as? [String: Int] == ["bearer_jwt": 40, "not_observable": 40])
        #expect(evidence("GET", "/api/v1/orders/{int}")["tls"] as? [String: Int] == ["tls1.3": 40, "not_observable": 40])
        #expect(evidence("GET", "/api/v1/orders/{int}")["jwt_alg_none"] as? Int == 4)
        #expect(evidence("GET", "/api/v1/orders/{int}")["roles"] as? [String: Int] == ["gateway": 40, "service": 40])
        #expect(evidence("POST", "/api/v1/orders")["auth"] as? [String: Int] == ["api_key_query": 10, "not_observable": 10])
        #expect(evidence("POST", "/api/v1/orders")["tls"] as? [String: Int] == ["tls1.0": 10, "not_observable": 10])
        #expect(evidence("GET", "/api/v1/catalog/{int}")["auth"] as? [String: Int] == ["bearer_scheme_only": 8, "basic": 4])
        #expect(evidence("GET", "/api/v1/stock")["auth"] as? [String: Int] == ["none": 6])
        #expect(evidence("GET", "/api/v1/stock")["tls"] as? [String: Int] == ["plaintext": 6])
        for (method, template) in [("GET", "/internal/v1/admin/users/{int}"), ("DELETE", "/api/v1/legacy/items/{int}")] {
            let e = try #require(endpoint(r, method, template))
            #expect(e["mediated"] as? Bool == false && e["mediation_reason"] as? String == "not_seen_by_gateway_or_waf", "\(template)")
        }
        #expect(evidence("GET", "/internal/v1/admin/users/{int}")["auth"] as? [String: Int] == ["basic": 12])
        #expect(endpoint(r, "GET", "/healthz")?["kind"] as? String == "health")

        // The coverage section over the six API endpoints.
        let coverage = r.json["coverage"] as! [String: Any]
        #expect(coverage["auth"] as? [String: Int] == ["none": 6, "basic": 16, "api_key": 0, "api_key_query": 10, "bearer_jwt": 40,
                                                       "bearer_opaque": 0, "bearer_scheme_only": 8, "session_cookie": 0, "mtls": 0,
                                                       "gateway_consumer": 0, "other": 0, "not_observable": 56])
        #expect(coverage["tls"] as? [String: Int] == ["not_observable": 68, "plaintext": 6, "ssl3": 0, "tls1.0": 10, "tls1.1": 0,
                                                      "tls1.2": 12, "tls1.3": 40, "tls_unknown_version": 0])
        let mediation = coverage["mediation"] as! [String: Any]
        #expect(mediation["mediated"] as? Int == 4 && mediation["unmediated"] as? Int == 2)
        let metrics = coverage["metrics"] as! [String: [String: Any]]
        func value(_ id: String) -> (Double?, Double?, Double?) {
            (metrics[id]?["value"] as? Double, metrics[id]?["numerator"] as? Double, metrics[id]?["denominator"] as? Double)
        }
        #expect(value("auth.alg_none_calls").0 == 4)
        #expect(value("auth.query_key_calls").0 == 10)
        #expect(value("tls.legacy_calls").0 == 10)
        #expect(value("mediation.endpoint_share").1 == 4 && value("mediation.endpoint_share").2 == 6)
        #expect(value("mediation.call_share").1 == 68 && value("mediation.call_share").2 == 86)
        // Requiring authentication: orders (both), catalog and admin do; stock answers without; legacy is not observable.
        #expect(value("auth.endpoint_share").1 == 4 && value("auth.endpoint_share").2 == 5)
        // External calls with observable authentication: 40 + 10 + 12 + 6 at the gateway, 12 at the admin endpoint.
        #expect(value("auth.external_call_share").1 == 74 && value("auth.external_call_share").2 == 80)
        // Strong: 36 signed JWTs (the 4 alg-none ones are not strong) and the 8 scheme-only bearer calls.
        #expect(value("auth.strong_share").1 == 44 && value("auth.strong_share").2 == 74)
        #expect(value("tls.encrypted_share").1 == 62 && value("tls.encrypted_share").2 == 68)
        #expect(metrics["auth.unauthenticated_success_on_protected"]?["value"] as? Double == 0)
        let findings = coverage["findings"] as! [String: [String: Any]]
        for (name, count) in [("jwt_alg_none", 1), ("api_keys_in_query", 1), ("legacy_tls", 1), ("plaintext", 1)] {
            #expect(findings[name]?["count"] as? Int == count, "\(name)")
        }

        // No credential from the fixtures reaches stdout or stderr.
        for secret in ["eyJ", "sk_live_", "FIXTUREKEY", "Bearer ", "c2lnbmF0dXJl"] {
            #expect(!r.text.contains(secret), "\(secret) echoed")
            #expect(!r.stderr.contains(secret), "\(secret) echoed on stderr")
        }
        try CLI.validateReport(r.stdout, in: dir)
    }

    /// Fastly with the recommended `auth_scheme` key: scheme-only values keep their kind, an empty
    /// value is no credential, and a record without the key is not observable.
    @Test func fastlySchemeOnlyAuthorization() throws {
        let r = try CLI.run(["batch", Self.fixture("coverage-fastly.json")])
        #expect(r.status == 0, "\(r.stderr)")
        let files = (r.json["input"] as! [String: Any])["files"] as! [[String: Any]]
        #expect(files.first?["format"] as? String == "fastly")
        let auth = (r.json["coverage"] as! [String: Any])["auth"] as! [String: Int]
        #expect(auth["bearer_scheme_only"] == 5 && auth["basic"] == 3 && auth["none"] == 2 && auth["not_observable"] == 1, "\(auth)")
        let metrics = (r.json["coverage"] as! [String: Any])["metrics"] as! [String: [String: Any]]
        // No JWT was logged whole: alg none cannot be counted.
        #expect(metrics["auth.alg_none_calls"]?["observable"] as? Bool == false)
        try CLI.validateReport(r.stdout, in: dir)
    }
}
