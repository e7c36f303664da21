import Foundation
import Testing
@testable import APICensusCore

/// Hand-built evidence: every metric measured, at values of an organisation at stage 5.
func stageFiveEvidence() -> [String: Double] {
    [
        "inventory.endpoints": 600, "inventory.hosts": 12,
        "protocol.rest_share": 0.8, "protocol.graphql_share": 0.1, "protocol.grpc_share": 0.1, "protocol.soap_share": 0,
        "protocol.websocket_share": 0, "protocol.http2plus_share": 0.5,
        "callers.external_share": 0.3, "callers.internal_share": 0.4, "callers.partner_share": 0.1, "callers.third_party_endpoints": 3,
        "versioning.versioned_endpoint_share": 0.95,
        "waf.present": 1, "waf.external_calls_seen_share": 1, "waf.block_share": 0.01,
        "mediation.endpoint_share": 1, "mediation.call_share": 1, "mediation.external_endpoint_share": 1,
        "auth.external_call_share": 1, "auth.endpoint_share": 1, "auth.strong_share": 0.95, "auth.weak_share": 0,
        "auth.alg_none_calls": 0, "auth.query_key_calls": 0, "auth.unauthenticated_success_on_protected": 0,
        "tls.encrypted_share": 1, "tls.modern_share": 1, "tls.v13_share": 0.7, "tls.legacy_calls": 0,
        "mtls.service_call_share": 0.95, "abuse.rate_limited_endpoint_share": 0.8, "abuse.enumeration_suspects": 0,
        "errors.server_error_share": 0.01, "authz.forbidden_share": 0.02,
        "docs.documented_share": 0.97, "docs.shadow_endpoints": 0, "docs.zombie_endpoints": 0,
    ]
}

/// Values as ratios over 1000 (counts over 1), so numerator and denominator are both visible.
func summary(_ values: [String: Double], notObservable: [String: String] = [:]) -> EvidenceSummary {
    var metrics: [String: EvidenceMetric] = [:]
    for (id, v) in values {
        let isCount = id.hasPrefix("inventory.") || id.hasSuffix("_calls") || id.hasSuffix("_endpoints") || id == "waf.present"
            || id == "abuse.enumeration_suspects" || id == "auth.unauthenticated_success_on_protected"
        metrics[id] = isCount ? EvidenceMetric(numerator: v, denominator: 1) : EvidenceMetric(numerator: v * 1000, denominator: 1000)
    }
    for (id, reason) in notObservable { metrics[id] = .notObservable(reason) }
    return EvidenceSummary(rolesPresent: [.gateway, .waf, .service], observableFields: Set(CallField.allCases), metrics: metrics)
}

func stageFour() -> [String: Double] {
    var v = stageFiveEvidence()
    v["inventory.endpoints"] = 300          // s5.api_first fails
    v["callers.third_party_endpoints"] = 0  // s5.third_party_apis fails
    v["mediation.endpoint_share"] = 0.7
    v["auth.endpoint_share"] = 0.8
    v["auth.strong_share"] = 0.6            // passes s4 (≥ 0.5), fails s5 (≥ 0.9)
    v["mtls.service_call_share"] = 0.2
    v["tls.encrypted_share"] = 0.9
    v["docs.shadow_endpoints"] = 3
    v["mediation.external_endpoint_share"] = 1
    return v
}

func stageThree() -> [String: Double] {
    var v = stageFour()
    v["inventory.endpoints"] = 100
    v["inventory.hosts"] = 5
    v["protocol.http2plus_share"] = 0.1
    v["callers.internal_share"] = 0.1
    v["mediation.external_endpoint_share"] = 0.7
    v["abuse.rate_limited_endpoint_share"] = 0.2
    v["abuse.enumeration_suspects"] = 2
    v["docs.zombie_endpoints"] = 1
    v["errors.server_error_share"] = 0.05
    return v
}

func stageTwo() -> [String: Double] {
    var v = stageThree()
    v["inventory.endpoints"] = 20
    v["callers.external_share"] = 0.02
    v["versioning.versioned_endpoint_share"] = 0.2
    v["mediation.external_endpoint_share"] = 0.3
    v["mediation.endpoint_share"] = 0.3
    v["waf.external_calls_seen_share"] = 0.5
    v["auth.external_call_share"] = 0.6
    v["auth.unauthenticated_success_on_protected"] = 2
    return v
}

func stageOne() -> [String: Double] {
    var v = stageTwo()
    v["inventory.endpoints"] = 5
    v["inventory.hosts"] = 1
    return v
}

@Suite struct MaturityRulesTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func embeddedRulesEqualTheDataFile() throws {
        var file = try String(contentsOf: Self.repoRoot.appendingPathComponent("Rules/maturity-rules.json"), encoding: .utf8)
        if file.hasSuffix("\n") { file.removeLast() }
        #expect(MaturityRules.builtInJSON == file, "run scripts/embed-rules after editing Rules/maturity-rules.json")
    }

    @Test func docsListEveryBuiltInCriterionAsTheRulesSay() throws {
        let doc = try String(contentsOf: Self.repoRoot.appendingPathComponent("docs/maturity.md"), encoding: .utf8)
        for stage in MaturityRules.builtIn.stages {
            #expect(doc.contains("### Stage \(stage.stage): \(stage.name)"))
            for c in stage.criteria {
                let row: String
                if c.observable {
                    let threshold = c.threshold! == c.threshold!.rounded() ? String(Int(c.threshold!)) : String(c.threshold!)
                    row = "| `\(c.id)` | \(c.dimension.rawValue) | \(c.title)\(c.required ? " (required)" : "") | `\(c.metric!)` | \(c.op!.rawValue) \(threshold) |"
                } else {
                    row = "| `\(c.id)` | \(c.dimension.rawValue) | \(c.title) | — | never observable: \(c.reason!) |"
                }
                #expect(doc.contains(row), "docs/maturity.md lacks or misstates: \(row)")
            }
        }
    }

    @Test func builtInRulesAreCompleteAndConsistent() {
        let rules = MaturityRules.builtIn
        #expect(rules.rulesVersion == "1.0.0")
        #expect(rules.source == "built-in")
        #expect(rules.stages.map(\.stage) == [1, 2, 3, 4, 5])
        for stage in rules.stages {
            for d in MaturityDimension.allCases {
                #expect(stage.criteria.contains { $0.dimension == d && $0.observable }, "stage \(stage.stage) has no \(d) criterion")
            }
        }
        let never = rules.stages.flatMap(\.criteria).filter { !$0.observable }
        #expect(Set(never.map(\.id)) == ["s3.build_pipelines", "s4.code_analysis", "s5.incident_response"])
        #expect(never.allSatisfy { $0.metric == nil && $0.reason?.isEmpty == false })
    }

    @Test func invalidRulesAreRejectedWithTheirKeyPath() {
        func error(_ edit: (inout String) -> Void) -> String? {
            var text = MaturityRules.builtInJSON
            edit(&text)
            do { _ = try MaturityRules(json: Array(text.utf8), source: "r.json"); return nil } catch { return error.description }
        }
        #expect(error { $0 = $0.replacingOccurrences(of: "\"metric\": \"waf.present\"", with: "\"metric\": \"waf.presence\"") }?
            .hasPrefix("stages[0].criteria[1].metric: unknown metric 'waf.presence'") == true)
        #expect(error { $0 = $0.replacingOccurrences(of: "\"threshold\": 10 }", with: "\"treshold\": 10 }") }?
            .hasPrefix("stages[1].criteria[0].treshold: unknown key") == true)
        #expect(error { $0 = $0.replacingOccurrences(of: "\"id\": \"s2.several_apis\"", with: "\"id\": \"s2.integration_pilots\"") }
            == "stages[1].criteria[1].id: duplicate criterion id 's2.integration_pilots'")
        #expect(error { $0 = $0.replacingOccurrences(of: "\"op\": \">\"", with: "\"op\": \"=>\"") }?
            .hasPrefix("stages[1].criteria[2].op: '=>' is not one of") == true)
        #expect(error { $0 = $0.replacingOccurrences(of: "\"stage\": 5", with: "\"stage\": 6") }
            == "stages[4].stage: must be an integer from 1 to 5")
        #expect(error { $0 = $0.replacingOccurrences(of: "\"pass_share\": 0.75", with: "\"pass_share\": 1.5") } == "pass_share: must be in (0, 1]")
        #expect(error { $0 = $0.replacingOccurrences(of: "\"required\": true", with: "\"required\": \"yes\"") }
            == "stages[0].criteria[0].required: must be true or false")
        #expect(error { $0 = $0.replacingOccurrences(of: "\"reason\": \"code analysis leaves no trace in access logs\"", with: "\"metric\": \"waf.present\"") }
            == "stages[3].criteria[12]: a criterion with observable false names no metric, op or threshold")
        #expect(error { $0 = String($0.dropLast(10)) }?.hasPrefix("not valid JSON") == true)
    }
}

@Suite struct MaturityEngineTests {
    let rules = MaturityRules.builtIn

    func assess(_ values: [String: Double], notObservable: [String: String] = [:]) -> MaturityAssessment {
        MaturityEngine.assess(summary(values, notObservable: notObservable), rules: rules)
    }

    func dimension(_ a: MaturityAssessment, _ d: MaturityDimension) -> DimensionAssessment {
        a.dimensions.first { $0.dimension == d }!
    }

    @Test func everyStageIsReachable() {
        let cases: [(Int, [String: Double])] = [(5, stageFiveEvidence()), (4, stageFour()), (3, stageThree()), (2, stageTwo()), (1, stageOne())]
        for (expected, values) in cases {
            let a = assess(values)
            #expect(a.stage == expected, "\(a.reasons) \(a.dimensions.map(\.reasons))")
            #expect(a.stageName == rules.stage(expected).name)
            #expect(dimension(a, .apiBarometer).stage == expected)
            // Stage one differs from stage two in the barometer only: security stays at 2.
            #expect(dimension(a, .securityPractices).stage == max(2, expected))
            #expect(a.rulesVersion == "1.0.0")
            if expected < 5 {
                #expect(a.progress?.nextStage == expected + 1)
            } else {
                #expect(a.progress == nil)
            }
        }
    }

    @Test func noAPIsNoStage() {
        var v = stageFiveEvidence()
        v["inventory.endpoints"] = 0
        let a = assess(v)
        #expect(a.stage == nil)
        #expect(a.progress == nil)
        #expect(a.dimensions.allSatisfy { $0.stage == nil })
        #expect(a.reasons == ["no stage claimed: no API endpoints in the input"])
    }

    @Test func overallStageIsTheLowerDimension() {
        var v = stageFiveEvidence()
        v["mediation.endpoint_share"] = 0      // s2.gateway_in_use fails: security stops at 1
        v["docs.documented_share"] = 0.1       // s2.documented_more fails
        let a = assess(v)
        #expect(dimension(a, .apiBarometer).stage == 5)
        #expect(dimension(a, .securityPractices).stage == 1)
        #expect(a.stage == 1)
        #expect(a.reasons[0].contains("api_barometer 5, security_practices 1"))
    }

    @Test func unobservableCriteriaAreLeftOutNotCounted() {
        // Plain access logs: no auth, TLS, mTLS or caller evidence. Stage 1 security then rests on
        // the WAF alone (1 of 1 observable), not on 1 of 2.
        let missing = "no input logs authentication (authorization, cookie, api_key)"
        var unobservable: [String: String] = [:]
        for id in ["auth.external_call_share", "auth.endpoint_share", "auth.strong_share", "auth.weak_share", "auth.alg_none_calls",
                   "auth.query_key_calls", "auth.unauthenticated_success_on_protected"] { unobservable[id] = missing }
        let a = assess(stageFiveEvidence(), notObservable: unobservable)
        let s1 = dimension(a, .securityPractices).stages[0]
        #expect(s1.passed == 1 && s1.failed == 0 && s1.notObservable == 1)
        #expect(s1.met)
        let leftOut = s1.results.first { $0.criterion.id == "s1.external_access_control" }!
        #expect(leftOut.outcome == .notObservable)
        #expect(leftOut.value == nil)
        #expect(leftOut.reason == missing)
        // Stage 5 security still met: 5 of 5 observable pass (five auth criteria and incident response left out).
        let s5 = dimension(a, .securityPractices).stages[4]
        #expect(s5.observable == 5 && s5.passed == 5)
        #expect(s5.notObservable == 6)
        #expect(a.stage == 5)
        // The same evidence with the auth metrics observable and failing is not stage 5.
        var failing = stageFiveEvidence()
        for id in ["auth.endpoint_share", "auth.strong_share"] { failing[id] = 0.1 }
        failing["auth.weak_share"] = 0.9
        failing["auth.alg_none_calls"] = 4
        #expect(assess(failing).stage == 4)
    }

    @Test func aStageWithNothingObservableIsNotClaimed() {
        // Stage 2 security evidence is mediation and documentation; without either, security stops at 1
        // even though every later criterion would pass.
        let a = assess(stageFiveEvidence(), notObservable: [
            "mediation.endpoint_share": "inputs give one vantage point only (no gateway or WAF source beside the services)",
            "docs.documented_share": DocumentationDrift.noSpecReason,
        ])
        let security = dimension(a, .securityPractices)
        #expect(security.stage == 1)
        #expect(security.reasons.last!.contains("stage 2 (API piloting) not claimed: none of its security_practices criteria is observable"))
        #expect(security.reasons.last!.contains(DocumentationDrift.noSpecReason))
        #expect(a.stage == 1)
    }

    @Test func ratiosWithNothingToCountAreLeftOut() {
        var s = summary(stageFiveEvidence())
        s.metrics["mtls.service_call_share"] = EvidenceMetric(numerator: 0, denominator: 0)  // no service-to-service calls
        let a = MaturityEngine.assess(s, rules: rules)
        let r = a.criteria.first { $0.criterion.id == "s5.mutual_tls" }!
        #expect(r.outcome == .notObservable)
        #expect(r.reason == "nothing to count for mtls.service_call_share (denominator 0)")
        #expect(a.stage == 5)
        s.metrics.removeValue(forKey: "tls.legacy_calls")
        #expect(MaturityEngine.assess(s, rules: rules).criteria.first { $0.criterion.id == "s5.no_legacy_tls" }?.reason
            == "tls.legacy_calls was not measured")
    }

    @Test func passShareAndRequiredCriteria() throws {
        let text = """
        {"rules_version": "t1", "pass_share": 0.75, "stages": [
          {"stage": 1, "name": "one", "criteria": [
            {"id": "a", "dimension": "api_barometer", "title": "a", "metric": "inventory.endpoints", "op": ">=", "threshold": 1, "required": true},
            {"id": "b", "dimension": "security_practices", "title": "b", "metric": "waf.present", "op": ">=", "threshold": 1}]},
          {"stage": 2, "name": "two", "criteria": [
            {"id": "c1", "dimension": "api_barometer", "title": "c1", "metric": "inventory.endpoints", "op": ">=", "threshold": 10},
            {"id": "c2", "dimension": "api_barometer", "title": "c2", "metric": "inventory.hosts", "op": ">=", "threshold": 2},
            {"id": "c3", "dimension": "api_barometer", "title": "c3", "metric": "callers.external_share", "op": ">", "threshold": 0.5},
            {"id": "c4", "dimension": "api_barometer", "title": "c4", "metric": "protocol.rest_share", "op": "<", "threshold": 0.9},
            {"id": "d", "dimension": "security_practices", "title": "d", "metric": "tls.legacy_calls", "op": "==", "threshold": 0}]},
          {"stage": 3, "name": "three", "pass_share": 0.5, "criteria": [
            {"id": "e1", "dimension": "api_barometer", "title": "e1", "metric": "inventory.endpoints", "op": ">=", "threshold": 100, "required": true},
            {"id": "e2", "dimension": "api_barometer", "title": "e2", "metric": "inventory.hosts", "op": ">=", "threshold": 3},
            {"id": "f", "dimension": "security_practices", "title": "f", "metric": "tls.legacy_calls", "op": "<=", "threshold": 5}]},
          {"stage": 4, "name": "four", "criteria": [
            {"id": "g", "dimension": "api_barometer", "title": "g", "observable": false, "reason": "never"},
            {"id": "h", "dimension": "security_practices", "title": "h", "metric": "waf.present", "op": ">=", "threshold": 1}]},
          {"stage": 5, "name": "five", "criteria": [
            {"id": "i", "dimension": "api_barometer", "title": "i", "metric": "inventory.endpoints", "op": ">=", "threshold": 1},
            {"id": "j", "dimension": "security_practices", "title": "j", "metric": "waf.present", "op": ">=", "threshold": 1}]}
        ]}
        """
        let custom = try MaturityRules(json: Array(text.utf8), source: "custom.json")
        // 3 of 4 stage-2 barometer criteria pass (c3 fails): 0.75 meets pass_share.
        var v: [String: Double] = ["inventory.endpoints": 50, "inventory.hosts": 5, "callers.external_share": 0.5,
                                   "protocol.rest_share": 0.5, "waf.present": 1, "tls.legacy_calls": 0]
        var a = MaturityEngine.assess(summary(v), rules: custom)
        let b2 = a.dimensions[0].stages[1]
        #expect(b2.passed == 3 && b2.failed == 1 && b2.met)
        // Stage 3 barometer: e2 passes (1 of 2 = pass_share 0.5) but the required e1 fails.
        #expect(!a.dimensions[0].stages[2].met)
        #expect(a.dimensions[0].stage == 2)
        #expect(a.rulesSource == "custom.json")
        v["inventory.endpoints"] = 100
        a = MaturityEngine.assess(summary(v), rules: custom)
        // Stage 3 met; stage 4 barometer has only a never-observable criterion: not claimed.
        #expect(a.dimensions[0].stage == 3)
        #expect(a.dimensions[0].stages[3].notObservable == 1 && !a.dimensions[0].stages[3].met)
        #expect(a.dimensions[1].stage == 5)
        #expect(a.stage == 3)
        // 2 of 4 pass: not met.
        v["protocol.rest_share"] = 0.95
        v["inventory.hosts"] = 1
        a = MaturityEngine.assess(summary(v), rules: custom)
        #expect(a.dimensions[0].stage == 1)
        #expect(a.progress?.toDo == ["c2", "c3", "c4"])
    }

    @Test func progressReportsTheNextStage() {
        let a = assess(stageTwo())
        let p = a.progress!
        #expect(p.nextStage == 3)
        // Stage 3: s3.apis_built_on, s3.apis_as_products, s3.versioned_apis, s3.external_mostly_mediated,
        // s3.external_tooling, s3.external_authenticated, s3.no_unauthenticated_success fail; s3.documented_mostly
        // passes; s3.build_pipelines is left out.
        #expect(p.passed == 1 && p.failed == 7 && p.notObservable == 1)
        #expect(p.share == 1.0 / 8.0)
        #expect(p.toDo.count == 7)
        #expect(p.toDo.allSatisfy { $0.hasPrefix("s3.") })
        let reasons = dimension(a, .securityPractices).reasons
        #expect(reasons[0] == "stage 1 (API learning) met: 2 of 2 observable criteria passed (needs 75%)")
        #expect(reasons.last!.hasPrefix("stage 3 (Limited API deployments) not met: 1 of 5 observable criteria passed (needs 75%); failed: s3.external_mostly_mediated (mediation.external_endpoint_share 0.3 < 0.5)"))
    }

    @Test func aFailedStageOneKeepsTheFloorAndSaysWhy() {
        var v = stageOne()
        v["waf.present"] = 0
        v["auth.external_call_share"] = 0.2
        let security = dimension(assess(v), .securityPractices)
        #expect(security.stage == 1)
        #expect(security.reasons[0].hasPrefix("stage 1 (API learning) not met: 0 of 2 observable criteria passed"))
        #expect(security.reasons[1] == "stage 1 is the floor: APIs are in use, so the security_practices dimension is at stage 1")
    }

    @Test func assessmentIsDeterministic() {
        let s = summary(stageThree())
        #expect(MaturityEngine.assess(s, rules: rules) == MaturityEngine.assess(s, rules: rules))
        let a = ReportBuilder.maturitySection(MaturityEngine.assess(s, rules: rules)).serialized()
        let b = ReportBuilder.maturitySection(MaturityEngine.assess(s, rules: rules)).serialized()
        #expect(a == b)
    }
}

@Suite struct IndicatorAndZeroTrustTests {
    @Test func everyIndicatorIsListedWithItsObservability() {
        let s = summary(stageThree(), notObservable: ["tls.encrypted_share": "no input logs TLS (tls_protocol)"])
        let list = IndicatorCatalog.indicators(summary: s)
        #expect(list.map(\.id) == IndicatorCatalog.definitions.map(\.id))
        // Every metric of the evidence interface has an indicator.
        let ids = Set(list.map(\.id))
        for id in EvidenceMetricID.evidenceIDs + EvidenceMetricID.docsIDs { #expect(ids.contains(id), "\(id)") }
        let tls = list.first { $0.id == "tls.encrypted_share" }!
        #expect(!tls.observable && tls.value == nil && tls.evidence == nil)
        #expect(tls.reason == "no input logs TLS (tls_protocol)")
        #expect(tls.zeroTrustStep == .encryption)
        let docs = list.first { $0.id == "docs.documented_share" }!
        #expect(docs.observable && docs.value == 0.97 && docs.evidence?.numerator == 970 && docs.evidence?.denominator == 1000)
        for id in ["practices.team_education", "practices.build_pipelines", "practices.code_analysis", "practices.incident_response"] {
            let i = list.first { $0.id == id }!
            #expect(!i.observable && i.value == nil && i.reason?.contains("no trace in access logs") == true)
        }
        // Computed beside the summary but not supplied: said so, not zero.
        #expect(list.first { $0.id == IndicatorCatalog.growthID }?.reason == "inventory.growth was not measured")
    }

    func endpoint(_ template: String, first: Int64, bytes: UInt64 = 0, calls: UInt64 = 1) -> Endpoint {
        var stats = EndpointStats()
        stats.calls = calls
        stats.firstSeenMillis = first
        stats.responseBytes = bytes
        stats.callsWithBytes = bytes > 0 ? calls : 0
        return Endpoint(host: "h", method: "GET", template: template, stats: stats, typedPaths: 1)
    }

    @Test func growthCountsEndpointsFirstSeenAfterTheFirstWindow() {
        let hour: Int64 = 3_600_000
        let t0: Int64 = 1_767_225_600_000
        let endpoints = [endpoint("/a", first: t0), endpoint("/b", first: t0 + hour / 2), endpoint("/c", first: t0 + hour + 1),
                         endpoint("/d", first: t0 + 3 * hour), endpoint("/static.css", first: t0 + 3 * hour)]
        let g = IndicatorCatalog.growth(endpoints: endpoints, firstMillis: t0, lastMillis: t0 + 3 * hour + 5, isAPI: { !$0.template.hasSuffix(".css") })
        #expect(g.unit == .endpointsPerHour)
        #expect(g.metric.numerator == 2 && g.metric.denominator == 3)  // /c and /d over 3 later hours
        #expect(g.details.map(\.0) == ["window_hours", "windows", "endpoints_in_first_window"])
        #expect(g.details.map(\.1) == [1, 4, 2])
        let daily = IndicatorCatalog.growth(endpoints: endpoints, firstMillis: t0, lastMillis: t0 + 72 * hour, isAPI: { _ in true })
        #expect(daily.unit == .endpointsPerDay && daily.metric.denominator == 3)
        #expect(!IndicatorCatalog.growth(endpoints: endpoints, firstMillis: t0, lastMillis: t0 + hour / 2, isAPI: { _ in true }).metric.observable)
        #expect(!IndicatorCatalog.growth(endpoints: [], firstMillis: .max, lastMillis: .min, isAPI: { _ in true }).metric.observable)
    }

    @Test func oversizedResponsesNeedLoggedSizes() {
        let endpoints = [endpoint("/big", first: 0, bytes: 3 << 20, calls: 2), endpoint("/small", first: 0, bytes: 100), endpoint("/none", first: 0)]
        let m = IndicatorCatalog.oversizedResponses(endpoints: endpoints, responseBytesLogged: true, isAPI: { _ in true })
        #expect(m.metric.value == 1)
        #expect(m.details.first { $0.0 == "endpoints_with_sizes" }?.1 == 2)
        let not = IndicatorCatalog.oversizedResponses(endpoints: endpoints, responseBytesLogged: false, isAPI: { _ in true })
        #expect(!not.metric.observable && not.metric.reasonIfNotObservable == "no input logs response sizes (response_bytes)")
    }

    @Test func zeroTrustMeasuresEachPrinciple() {
        let reason = "no input logs client certificates (client_certificate)"
        let measures = ZeroTrustAssessment.measures(summary(stageFour(), notObservable: ["mtls.service_call_share": reason]))
        #expect(measures.map(\.step) == ZeroTrustStep.allCases)
        let byStep = Dictionary(uniqueKeysWithValues: measures.map { ($0.step, $0) })
        #expect(byStep[.assetDiscovery]?.ratio == 0.97)
        #expect(byStep[.authentication]?.ratio == 0.8)
        #expect(byStep[.authorisation]?.ratio == 0.02)
        #expect(byStep[.authorisation]?.related.first?.0 == "auth.unauthenticated_success_on_protected")
        #expect(byStep[.encryption]?.ratio == 0.9 && byStep[.encryption]?.numerator == 900 && byStep[.encryption]?.denominator == 1000)
        #expect(byStep[.mutualAuthentication]?.observable == false && byStep[.mutualAuthentication]?.reason == reason)
        #expect(byStep[.mutualAuthentication]?.ratio == nil)
        #expect(byStep[.continuousMonitoring]?.ratio == 1)
    }
}
