import Testing
@testable import APICensusCore

/// What the report concludes from the evidence, on fixtures of known truth: which vantage points
/// make mediation observable, how partial gateway evidence and per-role authentication are judged,
/// and when query keys, enumeration and authentication requirements can be told at all.
@Suite struct CoverageJudgementTests {
    typealias ID = EvidenceMetricID

    /// `count` calls of `method target` from `client`, with extra ` | key=value` fields.
    static func lines(_ count: Int, _ method: String, _ target: String, client: String = "203.0.113.9", status: Int = 200,
                      _ extra: String = "") -> String {
        (0..<count).map { i in
            let path = target.replacingOccurrences(of: "#", with: "\(i)")
            return "method=\(method) | target=\(path) | host=api.example.com | client=\(client) | status=\(status) | time=1767225600\(extra)"
        }.joined(separator: "\n") + "\n"
    }

    static let gatewayLog = lines(20, "GET", "/api/v1/orders/#", " | auth=Bearer | tls=TLSv1.3")
        + lines(10, "POST", "/api/v1/orders", " | auth=Bearer | tls=TLSv1.2")
    static let wafLog = lines(20, "GET", "/api/v1/orders/#", " | waf=ALLOW")

    /// With gateway and WAF sources only, an endpoint that bypasses them cannot appear: the
    /// mediation ratios would be 1 by construction. Each endpoint seen stays `mediated: true`.
    @Test(arguments: [false, true]) func gatewayAndWAFSourcesAloneCannotShowMediation(withWAF: Bool) {
        var run = EvidenceRun()
        run.add(Self.gatewayLog, input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        if withWAF { run.add(Self.wafLog, input: 1, role: .waf, fields: EvidenceFixtureParser.wafFields) }
        let a = run.analysis()
        #expect(a.coverage("GET", "/api/v1/orders/{int}")?.mediation.mediated == true)
        for id in [ID.mediationEndpointShare, ID.mediationCallShare, ID.mediationExternalEndpointShare] {
            let metric = a.summary.metrics[id]!
            #expect(!metric.observable, "\(id)")
            #expect(metric.reasonIfNotObservable?.contains("only gateway/WAF sources") == true, "\(id)")
        }
        // The gateway saw external calls beside the WAF: the WAF's share of them is measured.
        #expect(a.summary.metrics[ID.wafExternalCallsSeenShare]?.observable == withWAF)
        // A service log beside them makes the bypass visible.
        run.add(Self.lines(8, "GET", "/internal/users/#", client: "198.51.100.4"), input: 2, role: .service,
                fields: EvidenceFixtureParser.serviceFields)
        let b = run.analysis()
        #expect(b.summary.metrics[ID.mediationEndpointShare]?.numerator == 2)
        #expect(b.summary.metrics[ID.mediationEndpointShare]?.denominator == 3)
    }

    @Test func aWAFAloneCannotMeasureTheExternalCallsItMissed() {
        var run = EvidenceRun()
        run.add(Self.wafLog, input: 0, role: .waf, fields: EvidenceFixtureParser.wafFields)
        let metric = run.analysis().summary.metrics[ID.wafExternalCallsSeenShare]!
        #expect(!metric.observable)
    }

    /// Header evidence counts when most of an endpoint's service-side records carry it; a minority
    /// (a header a client sent, or calls that also arrive directly) is reported as partial.
    @Test func gatewayEvidenceOnAMinorityOfRecordsIsPartial() {
        var run = EvidenceRun()
        let kong = #" | headers={"x-kong-request-id": "r1"}"#
        let plain = #" | headers={"accept": "*/*"}"#
        run.add(Self.lines(6, "GET", "/api/v2/carts/#", client: "10.1.0.4", kong) + Self.lines(4, "GET", "/api/v2/carts/#", client: "10.1.0.4", plain)
                + Self.lines(1, "GET", "/api/v2/stock/#", client: "10.1.0.7", #" | headers={"via": "1.1 evil"}"#)
                + Self.lines(9, "GET", "/api/v2/stock/#", client: "10.1.0.7", plain),
                input: 0, role: .service, fields: EvidenceFixtureParser.sidecarFields)
        let a = run.analysis()
        #expect(a.coverage("GET", "/api/v2/carts/{int}")?.mediation == Mediation(mediated: true, reason: "gateway_evidence"))
        #expect(a.coverage("GET", "/api/v2/stock/{int}")?.mediation == Mediation(mediated: false, reason: "gateway_evidence_partial"))
    }

    /// A gateway that logs the bearer scheme, and a sidecar behind it that sees the same calls with
    /// the credential stripped: no role shows both protection and unauthenticated success.
    @Test func protectionIsJudgedPerRole() {
        var run = EvidenceRun()
        run.add(Self.lines(10, "GET", "/api/v1/orders/#", " | auth=Bearer") + Self.lines(3, "GET", "/api/v1/orders/#", status: 401),
                input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        run.add(Self.lines(10, "GET", "/api/v1/orders/#", client: "10.0.0.5", #" | headers={"accept": "*/*"}"#),
                input: 1, role: .service, fields: EvidenceFixtureParser.sidecarFields)
        // One role (the gateway) sees mostly credentials and lets one call in without.
        run.add(Self.lines(9, "GET", "/api/v1/admin/#", " | auth=Bearer") + Self.lines(1, "GET", "/api/v1/admin/#", " | auth=-"),
                input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        // Unauthenticated service records that carry gateway evidence were authenticated upstream.
        run.add(Self.lines(5, "GET", "/api/v1/carts/#", client: "10.0.0.5", " | auth=Bearer")
                + Self.lines(5, "GET", "/api/v1/carts/#", client: "10.0.0.5", #" | headers={"x-kong-request-id": "r"}"#),
                input: 2, role: .service, fields: EvidenceFixtureParser.sidecarFields.union([.authorization]))
        let a = run.analysis()
        let orders = a.coverage("GET", "/api/v1/orders/{int}")!
        #expect(!orders.unauthenticatedSuccessOnProtected)
        #expect(orders.requiresAuthentication == true)
        let admin = a.coverage("GET", "/api/v1/admin/{int}")!
        #expect(admin.unauthenticatedSuccessOnProtected)
        #expect(admin.requiresAuthentication == false)
        let carts = a.coverage("GET", "/api/v1/carts/{int}")!
        #expect(!carts.unauthenticatedSuccessOnProtected)
        #expect(carts.requiresAuthentication == true)
        #expect(a.summary.metrics[ID.authUnauthenticatedSuccessOnProtected]?.numerator == 1)
    }

    /// "Requires authentication" means no call without credentials got a 2xx, not "some call had one".
    @Test func anEndpointWithOneAuthenticatedCallInManyDoesNotRequireAuthentication() {
        var run = EvidenceRun()
        run.add(Self.lines(1, "GET", "/api/v1/items/#", " | auth=Bearer") + Self.lines(30, "GET", "/api/v1/items/#", " | auth=-")
                + Self.lines(12, "GET", "/api/v1/orders/#", " | auth=Basic") + Self.lines(4, "GET", "/api/v1/orders/#", status: 401, " | auth=-")
                + Self.lines(6, "GET", "/api/v1/public/#", " | auth=-"),
                input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        let a = run.analysis()
        #expect(a.coverage("GET", "/api/v1/items/{int}")?.requiresAuthentication == false)
        #expect(a.coverage("GET", "/api/v1/orders/{int}")?.requiresAuthentication == true)
        #expect(a.coverage("GET", "/api/v1/public/{int}")?.requiresAuthentication == false)
        let share = a.summary.metrics[ID.authEndpointShare]!
        #expect(share.numerator == 1 && share.denominator == 3)
    }

    /// Keys in queries show only where query strings do; enumeration needs the clients.
    @Test func queryKeysAndEnumerationNeedTheirEvidence() {
        var noQueries = EvidenceRun()
        noQueries.add(Self.lines(40, "GET", "/api/v1/users/#", status: 404) + Self.lines(20, "GET", "/api/v1/users/#"), input: 0,
                      role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        let a = noQueries.analysis()
        #expect(a.summary.metrics[ID.authQueryKeyCalls]?.observable == false)
        #expect(a.summary.metrics[ID.abuseEnumerationSuspects]?.numerator == 1)

        var withQueries = EvidenceRun()
        withQueries.add(Self.lines(5, "GET", "/api/v1/users/#?expand=1"), input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        #expect(withQueries.analysis().summary.metrics[ID.authQueryKeyCalls]?.observable == true)
        #expect(withQueries.analysis().summary.metrics[ID.authQueryKeyCalls]?.numerator == 0)

        // No client logged: 404-heavy endpoints are not enumeration suspects, and the count is not observable.
        var noClients = EvidenceRun()
        let anonymous = (0..<60).map { "method=GET | target=/api/v1/users/\($0) | host=api.example.com | status=\($0 < 40 ? 404 : 200) | time=1" }
            .joined(separator: "\n") + "\n"
        noClients.add(anonymous, input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields.subtracting([.client]))
        let n = noClients.analysis()
        #expect(n.coverage("GET", "/api/v1/users/{int}")?.enumerationSuspect == false)
        #expect(n.summary.metrics[ID.abuseEnumerationSuspects]?.observable == false)
    }

    /// Third-party endpoints seen by an egress proxy are someone else's APIs: not in the mediation ratios.
    @Test func egressEndpointsStayOutOfTheMediationRatios() {
        var run = EvidenceRun()
        run.add(Self.gatewayLog, input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        run.add(Self.lines(8, "GET", "/api/v1/internal/#", client: "10.0.0.5"), input: 1, role: .service, fields: EvidenceFixtureParser.serviceFields)
        run.add(Self.lines(12, "POST", "/v1/charges", client: "10.0.0.5").replacingOccurrences(of: "api.example.com", with: "api.stripe.com"),
                input: 2, role: .egress, fields: EvidenceFixtureParser.serviceFields)
        let a = run.analysis()
        #expect(a.coverage("POST", "/v1/charges")?.thirdParty == true)
        let share = a.summary.metrics[ID.mediationEndpointShare]!
        #expect(share.numerator == 2 && share.denominator == 3)
    }

    @Test func hygieneKeepsVersionAndInfoAPIs() {
        #expect(EndpointKind.classify(template: "/api/info") == .api)
        #expect(EndpointKind.classify(template: "/v1/version") == .api)
        #expect(EndpointKind.classify(template: "/version") == .probe)
        #expect(EndpointKind.classify(template: "/info") == .probe)
        #expect(EndpointKind.classify(template: "/admin/metrics") == .probe)
        #expect(EndpointKind.classify(template: "/media/{int}") == .api)
        #expect(EndpointKind.classify(template: "/static/{param}") == .static)
        var run = EvidenceRun()
        run.add(Self.lines(5, "GET", "/apis/v1beta1/pods/#") + Self.lines(5, "GET", "/api/v2alpha/jobs/#") + Self.lines(5, "GET", "/api/users/#"),
                input: 0, role: .gateway, fields: EvidenceFixtureParser.gatewayFields)
        let a = run.analysis()
        #expect(a.coverage("GET", "/apis/v1beta1/pods/{int}")?.versioned == true)
        #expect(a.coverage("GET", "/api/v2alpha/jobs/{int}")?.versioned == true)
        #expect(a.coverage("GET", "/api/users/{int}")?.versioned == false)
    }
}
