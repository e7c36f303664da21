/// The coverage parts of the report: per-endpoint evidence fields and the run's `coverage` section.
/// Only counts, kinds and ratios appear; no credential, cookie or query value ever reaches here.
extension ReportBuilder {
    /// Endpoints listed by name in the coverage section (unmediated, plaintext…), at most.
    static let listedEndpointsLimit = 100

    /// Fields added to each endpoint of the `endpoints` list.
    static func endpointCoverageFields(_ e: Endpoint, _ c: EndpointCoverage, tally ev: EvidenceTally) -> [(String, JSONOutput)] {
        func counts<T>(_ cases: [T], _ name: (T) -> String, _ value: (T) -> UInt64) -> JSONOutput {
            .object(cases.compactMap { let v = value($0); return v > 0 ? (name($0), .uint(v)) : nil })
        }
        func ratio(_ r: Double?) -> JSONOutput { r.map { .number($0, decimals: 4) } ?? .null }
        return [
            ("kind", .string(c.kind.rawValue)),
            ("error_only", .bool(c.errorOnly)),
            ("low_evidence", .bool(c.lowEvidence)),
            ("third_party", .bool(c.thirdParty)),
            ("versioned", .bool(c.versioned)),
            ("style", .string(c.style.name)),
            ("mediated", c.mediation.mediated.map { .bool($0) } ?? .null),
            ("mediation_reason", .string(c.mediation.reason)),
            ("evidence", .object([
                ("roles", counts(EndpointEvidence.roleOrder, \.rawValue) { ev.calls(role: $0) }),
                ("auth", counts(AuthKind.allCases, \.name) { ev.calls(auth: $0) }),
                ("callers", counts(CallerClass.allCases, \.name) { ev.calls(caller: $0) }),
                ("styles", counts(APIStyle.allCases, \.name) { ev.calls(style: $0) }),
                ("http_versions", counts(HTTPVersionClass.allCases, \.name) { ev.calls(http: $0) }),
                ("tls", counts(TLSState.allCases, \.name) { ev.calls(tls: $0) }),
                ("client_certificates", counts([ClientCertificateEvidence.none, .presented, .verified, .failed], certificateName) {
                    ev.calls(certificate: $0)
                }),
                ("gateway_evidence", counts([GatewayEvidence.present, .absent], \.name) { ev.calls(gateway: $0) }),
                ("waf", counts([WAFDecision.allow, .block, .count, .other], \.name) { ev.calls(waf: $0) }),
                ("jwt_alg_none", .uint(ev[EndpointEvidence.Slot.jwtAlgNone])),
                ("jwt_expired", .uint(ev[EndpointEvidence.Slot.jwtExpired])),
                ("weak_cipher", .uint(ev[EndpointEvidence.Slot.weakCipher])),
                ("unauthenticated_success", .uint(ev[EndpointEvidence.Slot.unauthenticatedSuccess])),
                ("unauthenticated_success_on_protected", .bool(c.unauthenticatedSuccessOnProtected)),
            ])),
            ("abuse", .object([
                ("rate_limited", .bool(c.abuse.rateLimited)),
                ("status_429", .uint(c.abuse.status429)),
                ("unauthorized_ratio", ratio(c.abuse.unauthorizedRatio)),
                ("forbidden_ratio", ratio(c.abuse.forbiddenRatio)),
                ("waf_block_ratio", ratio(c.abuse.wafBlockRatio)),
                ("enumeration_suspect", .bool(c.enumerationSuspect)),
            ])),
        ]
    }

    static func certificateName(_ c: ClientCertificateEvidence) -> String {
        switch c {
        case .notLogged: "not_logged"
        case .none: "none"
        case .presented: "presented"
        case .verified: "verified"
        case .failed: "failed"
        }
    }

    /// The `coverage` section.
    static func coverageSection(_ a: CoverageAnalysis) -> JSONOutput {
        let api = a.apiIndices
        let ev = a.apiTally
        func counts<T>(_ cases: [T], _ name: (T) -> String, _ value: (T) -> UInt64) -> JSONOutput {
            .object(cases.map { (name($0), .uint(value($0))) })
        }
        func ref(_ i: Int) -> [(String, JSONOutput)] {
            let e = a.endpoints[i]
            return [("host", e.host.isEmpty ? .null : .string(e.host)), ("method", .string(e.method)), ("template", .string(e.template)),
                    ("calls", .uint(e.stats.calls))]
        }
        func list(_ indices: [Int], _ extra: (Int) -> [(String, JSONOutput)] = { _ in [] }) -> JSONOutput {
            let sorted = indices.sorted { a.endpoints[$0].stats.calls != a.endpoints[$1].stats.calls
                ? a.endpoints[$0].stats.calls > a.endpoints[$1].stats.calls : $0 < $1 }
            return .object([
                ("count", .int(Int64(indices.count))),
                ("endpoints", .array(sorted.prefix(listedEndpointsLimit).map { .object(ref($0) + extra($0)) })),
            ])
        }
        var kinds: [EndpointKind: Int] = [:]
        for c in a.coverage { kinds[c.kind, default: 0] += 1 }
        var kindCalls: [EndpointKind: UInt64] = [:]
        for (i, c) in a.coverage.enumerated() { kindCalls[c.kind, default: 0] += a.endpoints[i].stats.calls }
        let errorOnly = a.coverage.indices.filter { a.coverage[$0].errorOnly && a.coverage[$0].kind == .api }
        var styles: [APIStyle: Int] = [:]
        for i in api { styles[a.coverage[i].style, default: 0] += 1 }
        let mediated = api.filter { a.coverage[$0].mediation.mediated == true }
        let unmediated = api.filter { a.coverage[$0].mediation.mediated == false }
        let unknown = api.filter { a.coverage[$0].mediation.mediated == nil }
        let plaintext = api.filter { a.tallies[$0].calls(tls: .plaintext) > 0 }
        let legacyTLS = api.filter { a.tallies[$0].legacyTLSCalls > 0 }
        let unauthenticatedProtected = api.filter { a.coverage[$0].unauthenticatedSuccessOnProtected }
        let algNone = api.filter { a.tallies[$0][EndpointEvidence.Slot.jwtAlgNone] > 0 }
        let queryKeys = api.filter { a.tallies[$0].calls(auth: .apiKeyQuery) > 0 }
        let roles: JSONOutput = .object(EndpointEvidence.roleOrder.enumerated().map { (i, role) in
            (role.rawValue, JSONOutput.object([("records", .uint(a.run.recordsByRole[i]))]))
        })
        let byKind: JSONOutput = .object(EndpointKind.allCases.map { kind -> (String, JSONOutput) in
            (kind.rawValue, .object([("endpoints", .int(Int64(kinds[kind] ?? 0))), ("calls", .uint(kindCalls[kind] ?? 0))]))
        })
        let errorOnlyCalls: UInt64 = errorOnly.reduce(0) { $0 + a.endpoints[$1].stats.calls }
        let inventory: [(String, JSONOutput)] = [
            ("total", .int(Int64(a.endpoints.count))),
            ("api", .int(Int64(api.count))),
            ("by_kind", byKind),
            ("error_only", .int(Int64(errorOnly.count))),
            ("error_only_calls", .uint(errorOnlyCalls)),
            ("low_evidence", .int(Int64(api.filter { a.coverage[$0].lowEvidence }.count))),
            ("third_party", .int(Int64(api.filter { a.coverage[$0].thirdParty }.count))),
            ("versioned", .int(Int64(api.filter { a.coverage[$0].versioned }.count))),
        ]
        let styleCounts: JSONOutput = .object(APIStyle.allCases.map { ($0.name, JSONOutput.int(Int64(styles[$0] ?? 0))) })
        let mediation: [(String, JSONOutput)] = [
            ("mediated", .int(Int64(mediated.count))),
            ("unmediated", .int(Int64(unmediated.count))),
            ("unknown", .int(Int64(unknown.count))),
            ("unmediated_endpoints", list(unmediated) { [("reason", .string(a.coverage[$0].mediation.reason))] }),
        ]
        let evidenceOf = { (i: Int) in a.tallies[i] }
        var findings: [(String, JSONOutput)] = []
        findings.append(("plaintext", list(plaintext) { [("plaintext_calls", .uint(evidenceOf($0).calls(tls: .plaintext)))] }))
        findings.append(("legacy_tls", list(legacyTLS) { [("legacy_tls_calls", .uint(evidenceOf($0).legacyTLSCalls))] }))
        findings.append(("jwt_alg_none", list(algNone) { [("alg_none_calls", .uint(evidenceOf($0)[EndpointEvidence.Slot.jwtAlgNone]))] }))
        findings.append(("api_keys_in_query", list(queryKeys) { [("query_key_calls", .uint(evidenceOf($0).calls(auth: .apiKeyQuery)))] }))
        findings.append(("unauthenticated_success_on_protected", list(unauthenticatedProtected) {
            [("unauthenticated_success", .uint(evidenceOf($0)[EndpointEvidence.Slot.unauthenticatedSuccess]))]
        }))
        findings.append(("enumeration_suspects", list(api.filter { a.coverage[$0].enumerationSuspect })))
        findings.append(("error_only", list(errorOnly)))
        var fields: [(String, JSONOutput)] = []
        fields.append(("roles", roles))
        fields.append(("observable_fields", .array(a.run.observableFields.fields.sorted().map { .string($0.rawValue) })))
        fields.append(("endpoints", .object(inventory)))
        fields.append(("calls", .uint(ev.total)))
        fields.append(("styles", styleCounts))
        fields.append(("mediation", .object(mediation)))
        fields.append(("auth", counts(AuthKind.allCases, \.name) { ev.calls(auth: $0) }))
        fields.append(("callers", counts(CallerClass.allCases, \.name) { ev.calls(caller: $0) }))
        fields.append(("http_versions", counts(HTTPVersionClass.allCases, \.name) { ev.calls(http: $0) }))
        fields.append(("tls", counts(TLSState.allCases, \.name) { ev.calls(tls: $0) }))
        fields.append(("weak_cipher_calls", .uint(ev[EndpointEvidence.Slot.weakCipher])))
        fields.append(("client_certificates", counts([ClientCertificateEvidence.notLogged, .none, .presented, .verified, .failed],
                                                     certificateName) { ev.calls(certificate: $0) }))
        fields.append(("waf", counts(WAFDecision.allCases, \.name) { ev.calls(waf: $0) }))
        fields.append(("findings", .object(findings)))
        fields.append(("metrics", metricsValue(a.summary)))
        return .object(fields)
    }

    /// Every evidence metric with its numbers, in the interface's order.
    static func metricsValue(_ summary: EvidenceSummary) -> JSONOutput {
        var fields: [(String, JSONOutput)] = []
        for id in EvidenceMetricID.evidenceIDs {
            let metric = summary.metrics[id] ?? .notObservable("not computed")
            let value: JSONOutput = metric.value.map { JSONOutput.number($0, decimals: 4) } ?? .null
            let reason: JSONOutput = metric.reasonIfNotObservable.map { JSONOutput.string($0) } ?? .null
            let entry: [(String, JSONOutput)] = [
                ("value", value),
                ("numerator", .number(metric.numerator, decimals: 4)),
                ("denominator", .number(metric.denominator, decimals: 4)),
                ("observable", .bool(metric.observable)),
                ("reason", reason),
            ]
            fields.append((id, .object(entry)))
        }
        return .object(fields)
    }
}
