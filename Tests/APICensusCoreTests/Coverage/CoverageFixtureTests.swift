import Testing
@testable import APICensusCore

/// Multi-source fixtures of known truth: a gateway and the services behind it, where some endpoints
/// bypass the gateway; JWTs with `alg: none`; API keys in query strings; TLS 1.0 callers;
/// scanners. Each test states the truth and checks the coverage view and the evidence summary.
@Suite struct CoverageFixtureTests {
    static let algNoneToken = makeJWT(header: #"{"alg":"none","typ":"JWT"}"#, payload: #"{"sub":"admin","role":"root","exp":1893456000}"#, signature: "")
    static let signedToken = makeJWT(header: #"{"alg":"RS256","kid":"k1"}"#, payload: #"{"sub":"u42","exp":1893456000}"#)
    static let queryKey = "sk_live_FIXTURESECRET0123456789"
    static let cookieSecret = "FIXTURESESSIONVALUE987"

    /// Kong-like gateway records: orders API, external callers, bearer tokens, TLS.
    static var gatewayLog: String {
        var lines: [String] = []
        for i in 0..<40 {
            let auth = i % 10 == 0 ? "Bearer \(algNoneToken)" : "Bearer \(signedToken)"
            lines.append("method=GET | target=/api/v1/orders/\(1000 + i) | host=api.example.com | client=203.0.113.\(i % 7 + 1) | status=200 | time=1767225600 | auth=\(auth) | tls=TLSv1.3 | version=HTTP/2.0")
        }
        for i in 0..<10 {
            // Legacy TLS 1.0 callers with keys in the query string.
            lines.append("method=POST | target=/api/v1/orders?api_key=\(queryKey) | host=api.example.com | client=198.51.100.\(i + 1) | status=201 | time=1767225600 | tls=TLSv1 | version=HTTP/1.1")
        }
        for i in 0..<6 {
            lines.append("method=POST | target=/api/v1/orders | host=api.example.com | client=198.51.100.200 | status=429 | time=1767225601 | auth=Bearer \(signedToken) | tls=TLSv1.2 | version=HTTP/1.1 | cookie=session=\(cookieSecret)")
            _ = i
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The services' own access logs (combined-like: no credentials, no TLS): the gateway's
    /// traffic arrives there too, plus endpoints nobody routes through the gateway.
    static var serviceLog: String {
        var lines: [String] = []
        for i in 0..<40 {
            lines.append("method=GET | target=/api/v1/orders/\(1000 + i) | host=api.example.com | client=10.0.0.5 | status=200 | time=1767225600 | version=HTTP/1.1")
        }
        for i in 0..<16 {
            lines.append("method=POST | target=/api/v1/orders | host=api.example.com | client=10.0.0.5 | status=201 | time=1767225600 | version=HTTP/1.1")
            _ = i
        }
        // Bypass: called directly from outside, never seen by the gateway.
        for i in 0..<12 {
            lines.append("method=GET | target=/internal/v1/admin/users/\(i) | host=api.example.com | client=203.0.113.50 | status=200 | time=1767225602 | version=HTTP/1.1")
            lines.append("method=DELETE | target=/api/v1/legacy/items/\(i) | host=api.example.com | client=192.168.1.20 | status=204 | time=1767225602 | version=HTTP/1.0")
        }
        // Noise: health checks, static assets, scanners (only 404s).
        for i in 0..<20 {
            lines.append("method=GET | target=/healthz | host=api.example.com | client=10.0.0.2 | status=200 | time=1767225603")
            lines.append("method=GET | target=/static/app.\(i).js | host=api.example.com | client=203.0.113.9 | status=200 | time=1767225603")
        }
        for probe in ["/wp-login.php", "/.env", "/phpmyadmin/index.php", "/admin/config.php", "/.git/config", "/cgi-bin/luci",
                      "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/solr/admin/info/system", "/boaform/admin/formLogin"] {
            for _ in 0..<3 {
                lines.append("method=GET | target=\(probe) | host=api.example.com | client=185.220.101.4 | status=404 | time=1767225604")
            }
        }
        lines.append("method=GET | target=/api/v1/rarely/used | host=api.example.com | client=10.0.0.9 | status=200 | time=1767225605")
        return lines.joined(separator: "\n") + "\n"
    }

    static func run(withGateway: Bool = true) -> EvidenceRun {
        var run = EvidenceRun()
        if withGateway { run.add(gatewayLog, input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields) }
        run.add(serviceLog, input: 1, role: .service, fields: EvidenceFixtureParser.serviceFields)
        return run
    }

    @Test func gatewayAndServiceLogsShowWhichEndpointsBypassTheGateway() {
        let a = Self.run().analysis()
        #expect(a.coverage("GET", "/api/v1/orders/{int}")?.mediation == Mediation(mediated: true, reason: "seen_by_gateway"))
        #expect(a.coverage("POST", "/api/v1/orders")?.mediation.mediated == true)
        #expect(a.coverage("GET", "/internal/v1/admin/users/{int}")?.mediation == Mediation(mediated: false, reason: "not_seen_by_gateway_or_waf"))
        #expect(a.coverage("DELETE", "/api/v1/legacy/items/{int}")?.mediation.mediated == false)
        let share = a.summary.metrics[EvidenceMetricID.mediationEndpointShare]!
        // Four API endpoints with known mediation (+ the low-evidence one, also unmediated).
        #expect(share.numerator == 2 && share.denominator == 5)
        let external = a.summary.metrics[EvidenceMetricID.mediationExternalEndpointShare]!
        #expect(external.numerator == 2 && external.denominator == 3)
        #expect(a.summary.rolesPresent == [.gateway, .service])
    }

    @Test func withoutAGatewaySourceMediationIsUnknown() {
        let a = Self.run(withGateway: false).analysis()
        #expect(a.coverage("GET", "/api/v1/orders/{int}")?.mediation == Mediation(mediated: nil, reason: "single_vantage_point"))
        #expect(a.summary.metrics[EvidenceMetricID.mediationEndpointShare]?.observable == false)
        #expect(a.summary.metrics[EvidenceMetricID.mediationEndpointShare]?.value == nil)
    }

    @Test func authenticationTLSAndAbuseEvidence() {
        let a = Self.run().analysis()
        let m = a.summary.metrics
        #expect(m[EvidenceMetricID.authAlgNoneCalls]?.numerator == 4)
        #expect(m[EvidenceMetricID.authQueryKeyCalls]?.numerator == 10)
        #expect(m[EvidenceMetricID.tlsLegacyCalls]?.numerator == 10)
        // TLS: gateway calls only (service logs say nothing about TLS): 40 × 1.3, 10 × 1.0, 6 × 1.2.
        #expect(m[EvidenceMetricID.tlsEncryptedShare]?.value == 1)
        #expect(m[EvidenceMetricID.tlsModernShare]?.numerator == 46 && m[EvidenceMetricID.tlsModernShare]?.denominator == 56)
        #expect(m[EvidenceMetricID.tlsV13Share]?.numerator == 40)
        // Strong: 36 signed JWTs + 6 signed on POST; the 4 alg-none tokens are not strong.
        #expect(m[EvidenceMetricID.authStrongShare]?.numerator == 42)
        #expect(m[EvidenceMetricID.authStrongShare]?.denominator == 56)
        // Weak among observable: the 10 query keys.
        #expect(m[EvidenceMetricID.authWeakShare]?.numerator == 10 && m[EvidenceMetricID.authWeakShare]?.denominator == 56)
        // All external gateway calls carried credentials.
        #expect(m[EvidenceMetricID.authExternalCallShare]?.value == 1)
        // Rate limiting evident on POST /api/v1/orders only; 3 external API endpoints.
        #expect(a.coverage("POST", "/api/v1/orders")?.abuse.rateLimited == true)
        #expect(m[EvidenceMetricID.abuseRateLimitedEndpointShare]?.numerator == 1)
        #expect(m[EvidenceMetricID.abuseRateLimitedEndpointShare]?.denominator == 3)
        let orders = a.endpoint("GET", "/api/v1/orders/{int}")!.stats.evidence
        #expect(orders.calls(role: .gateway) == 40 && orders.calls(role: .service) == 40)
        #expect(orders.calls(auth: .bearerJWT) == 40 && orders.calls(auth: .notObservable) == 40)
        #expect(orders[EndpointEvidence.Slot.jwtAlgNone] == 4)
        #expect(orders.estimatedDistinctCalls == 40)
        // Not observable where no input logs the field.
        #expect(m[EvidenceMetricID.wafBlockShare]?.observable == false)
        #expect(m[EvidenceMetricID.mtlsServiceCallShare]?.observable == false)
        #expect(m[EvidenceMetricID.wafPresent]?.value == 0)
    }

    @Test func noiseIsKeptApartFromTheAPIs() {
        let a = Self.run().analysis()
        #expect(a.coverage("GET", "/healthz")?.kind == .health)
        #expect(a.coverage("GET", "/healthz")?.isAPI == false)
        let staticEndpoints = a.coverage.filter { $0.kind == .static }
        #expect(!staticEndpoints.isEmpty)
        let errorOnly = a.coverage.indices.filter { a.coverage[$0].errorOnly }
        #expect(errorOnly.count >= 5, "scanner paths that only ever answered 404")
        for i in errorOnly { #expect(a.endpoints[i].stats.statuses.byFrequency.allSatisfy { $0.code == 404 }) }
        #expect(a.coverage("GET", "/api/v1/rarely/used")?.lowEvidence == true)
        #expect(a.coverage("GET", "/api/v1/orders/{int}")?.lowEvidence == false)
        // Only the five real API endpoints count in the inventory metric.
        #expect(a.summary.metrics[EvidenceMetricID.inventoryEndpoints]?.numerator == 5)
        #expect(a.summary.metrics[EvidenceMetricID.inventoryHosts]?.numerator == 1)
        #expect(a.summary.metrics[EvidenceMetricID.versioningVersionedEndpointShare]?.value == 1)
    }

    @Test func gatewayEvidenceOnServiceRecordsMakesThemMediated() {
        var run = EvidenceRun()
        let sidecar = EvidenceFixtureParser.sidecarFields
        run.add("""
            method=GET | target=/api/v2/carts/1 | host=shop | client=10.1.0.4 | status=200 | time=1 | headers={"x-kong-request-id": "r1", "accept": "*/*"}
            method=GET | target=/api/v2/carts/2 | host=shop | client=10.1.0.4 | status=200 | time=1 | headers={"via": "1.1 kong/3.6"}
            method=GET | target=/api/v2/stock/1 | host=shop | client=10.1.0.7 | status=200 | time=1 | headers={"accept": "*/*"}
            method=GET | target=/api/v2/stock/2 | host=shop | client=10.1.0.7 | status=200 | time=1 | headers={"accept": "*/*"}
            """ + "\n", input: 0, role: .service, fields: sidecar)
        let a = run.analysis()
        #expect(a.coverage("GET", "/api/v2/carts/{int}")?.mediation == Mediation(mediated: true, reason: "gateway_evidence"))
        #expect(a.coverage("GET", "/api/v2/stock/{int}")?.mediation == Mediation(mediated: false, reason: "no_gateway_evidence"))
    }

    /// Adding a gateway source never turns a mediated endpoint unmediated (checked over seeded
    /// random fixtures: services with and without gateway evidence, then gateway logs added).
    @Test(arguments: 1...12) func addingAGatewaySourceNeverUnmediates(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func randomLines(_ count: Int, headers: Bool) -> String {
            (0..<count).map { _ in
                let resource = ["orders", "users", "carts", "stock", "admin", "reports"][rng.below(6)]
                let method = ["GET", "POST", "DELETE"][rng.below(3)]
                let header = headers && rng.below(2) == 0 ? #" | headers={"x-envoy-upstream-service-time": "3"}"# : (headers ? #" | headers={"a": "b"}"# : "")
                return "method=\(method) | target=/api/v1/\(resource)/\(rng.below(100)) | host=h | client=10.0.\(rng.below(4)).\(rng.below(9)) | status=200 | time=1\(header)"
            }.joined(separator: "\n") + "\n"
        }
        var before = EvidenceRun()
        let service = randomLines(60, headers: seed % 2 == 0)
        before.add(service, input: 0, role: .service, fields: seed % 2 == 0 ? EvidenceFixtureParser.sidecarFields : EvidenceFixtureParser.serviceFields)
        if seed % 3 == 0 { before.add(randomLines(20, headers: false), input: 1, role: .waf, fields: EvidenceFixtureParser.wafFields) }
        let mediatedBefore = Set(before.analysis().endpoints.indices.filter { before.analysis().coverage[$0].mediation.mediated == true }
            .map { "\(before.analysis().endpoints[$0].method) \(before.analysis().endpoints[$0].template)" })
        var after = before
        after.add(randomLines(30, headers: false), input: 2, role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        let a = after.analysis()
        // Every endpoint mediated before is still there, under the same name, and mediated (a
        // name that disappeared, re-templated say, fails too rather than being skipped).
        let mediatedAfter = Set(a.endpoints.indices.filter { a.coverage[$0].mediation.mediated == true }
            .map { "\(a.endpoints[$0].method) \(a.endpoints[$0].template)" })
        // Seeds with gateway headers or a WAF have mediated endpoints to keep.
        #expect(!mediatedBefore.isEmpty || (seed % 2 == 1 && seed % 3 != 0), "seed \(seed) has nothing mediated to check")
        #expect(mediatedBefore.isSubset(of: mediatedAfter), "no longer mediated: \(mediatedBefore.subtracting(mediatedAfter).sorted())")
        let share = a.summary.metrics[EvidenceMetricID.mediationEndpointShare]!
        #expect(share.observable)
    }

    @Test func evidenceMergesLikeASum() {
        let whole = Self.run().state
        var gatewayOnly = EvidenceRun()
        gatewayOnly.add(Self.gatewayLog, input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        var serviceOnly = EvidenceRun()
        serviceOnly.add(Self.serviceLog, input: 1, role: .service, fields: EvidenceFixtureParser.serviceFields)
        var ab = gatewayOnly.state
        ab.merge(serviceOnly.state)
        var ba = serviceOnly.state
        ba.merge(gatewayOnly.state)
        #expect(ab.endpoints == whole.endpoints)
        #expect(ba.endpoints == whole.endpoints)
        #expect(ab.run == whole.run && ba.run == whole.run)
    }

    @Test func theReportCarriesKindsAndCountsButNoSecret() {
        let state = Self.run().state
        let text = ReportBuilder.report(state: state, inputs: [
            InputDescription(path: "gw.log", encoding: "plain", format: nil, formatConfidence: nil, sizeOnDisk: nil, explicitRole: .gateway),
            InputDescription(path: "svc.log", encoding: "plain", format: .combined, formatConfidence: 1, sizeOnDisk: nil),
        ], options: ReportOptions()).serialized()
        for secret in [Self.algNoneToken, Self.signedToken, Self.queryKey, Self.cookieSecret, "eyJ", "sk_live"] {
            #expect(!text.contains(secret), "the report echoes \(secret)")
        }
        #expect(text.contains(#""role": "gateway""#))
        #expect(text.contains(#""role_source": "explicit""#))
        #expect(text.contains(#""bearer_jwt": 40"#))
        #expect(text.contains(#""mediation.endpoint_share""#))
    }
}
